#pragma once
// A Lua script, called by SHA1 (EVALSHA) so its text crosses the wire once per connection.

#include <string>

namespace tocsin::redis {

class Script {
 public:
  explicit Script(std::string source);

  const std::string& source() const { return source_; }
  const std::string& sha1() const { return sha1_; }  // lowercase hex, as SCRIPT LOAD returns

 private:
  std::string source_;
  std::string sha1_;
};

}  // namespace tocsin::redis
