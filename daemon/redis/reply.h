#pragma once
// An owned copy of a hiredis reply: hiredis frees its redisReply as soon as the callback
// returns, and our callers resume later, on another turn of the event loop.

#include <cstdint>
#include <string>
#include <vector>

namespace tocsin::redis {

struct Reply {
  enum class Type { nil, integer, string, status, error, array };

  Type type = Type::nil;
  int64_t integer = 0;
  std::string str;  // string, status and error replies
  std::vector<Reply> elements;

  bool is_nil() const { return type == Type::nil; }
  bool is_error() const { return type == Type::error; }
  bool is_ok() const { return type == Type::status && str == "OK"; }
};

}  // namespace tocsin::redis
