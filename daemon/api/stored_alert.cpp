#include "api/stored_alert.h"

#include <optional>

#include "alerts/alert_keys.h"
#include "api/responses.h"
#include "redis/client.h"
#include "redis/decode.h"

namespace tocsin::api {

boost::asio::awaitable<std::variant<Alert, http::Response>> read_stored_alert(
    redis::Client& redis, const std::string& id) {
  redis::Command read{"HGET", alerts::keys::alert(id), std::string(alerts::keys::field::kProto)};
  auto stored = redis::decode<std::optional<std::string>>(co_await redis.exec(std::move(read)));
  if (!stored) co_return unavailable();
  Alert alert;
  if (!*stored || !alert.ParseFromString(**stored)) co_return no_alert(id);
  co_return alert;
}

}  // namespace tocsin::api
