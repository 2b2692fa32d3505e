#include "api/audit_entry.h"

#include "alerts/alert_keys.h"
#include "alerts/alert_relay.h"
#include "redis/client.h"
#include "redis/decode.h"

namespace tocsin::api {

boost::asio::awaitable<bool> write_audit(redis::Client& redis, const std::string& alert_id,
                                         const std::string& action, const std::string& detail,
                                         const auth::Principal& who) {
  redis::Command entry{"XADD",   alerts::keys::audit_trail(alert_id),
                       "*",      "actor",
                       who.name, "action",
                       action,   "subject",
                       alert_id, "detail",
                       detail + " token=" + who.token_id};
  if (!redis::decode<redis::Ignore>(co_await redis.exec(std::move(entry)))) co_return false;
  co_await alerts::relay(redis, alert_id, alerts::Outbox::audit);
  co_return true;
}

}  // namespace tocsin::api
