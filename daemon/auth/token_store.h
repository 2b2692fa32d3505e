#pragma once
// Tokens in Redis: token:{sha256} -> TokenRecord (protobuf bytes), plus the set `tokens`
// of all hashes, so tokens can be listed and revoked later without knowing them.

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>
#include <vector>

#include "auth/principal.h"
#include "proto/tocsin.pb.h"
#include "util/result.h"

namespace tocsin::redis {
class Client;
}

namespace tocsin::auth {

struct NewToken {
  std::string name;
  Role role = Role::coordinator;
  std::vector<std::string> regions;
  std::string created_by;
  int64_t ttl_days = 0;  // 0: does not expire
};

class TokenStore {
 public:
  explicit TokenStore(redis::Client& redis) : redis_(redis) {}

  // Stores a new token and returns it: the only time it is seen in clear.
  boost::asio::awaitable<Result<std::string>> create(const NewToken& request);
  // The principal of a token, nullopt if unknown or expired.
  boost::asio::awaitable<Result<std::optional<Principal>>> lookup(std::string token);
  // Every token's record with its id (the first 16 hex digits of its hash), by name.
  struct Listed {
    std::string id;
    TokenRecord record;
  };
  boost::asio::awaitable<Result<std::vector<Listed>>> list();
  // Deletes the token whose id is `id`, with an audit entry; false if there is none.
  boost::asio::awaitable<Result<bool>> revoke(std::string id, std::string by);

 private:
  redis::Client& redis_;
};

}  // namespace tocsin::auth
