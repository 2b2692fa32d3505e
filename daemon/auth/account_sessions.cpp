#include "auth/account_sessions.h"

#include <utility>

#include "auth/auth_keys.h"
#include "redis/client.h"
#include "redis/decode.h"

namespace tocsin::auth {

boost::asio::awaitable<Result<std::vector<std::string>>> read_account_sessions(
    redis::Client& redis, const std::string& account_id) {
  redis::Command members{"SMEMBERS", keys::account_sessions(account_id)};
  auto sessions = redis::decode<std::vector<std::string>>(co_await redis.exec(std::move(members)));
  if (!sessions) co_return sessions.error();
  const std::string tagged = keys::session("");
  std::erase_if(*sessions, [&tagged](const std::string& key) { return !key.starts_with(tagged); });
  co_return std::move(*sessions);
}

}  // namespace tocsin::auth
