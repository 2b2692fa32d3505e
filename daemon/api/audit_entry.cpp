#include "api/audit_entry.h"

#include <vector>

#include "alerts/alert_keys.h"
#include "audit/audit_keys.h"
#include "redis/client.h"
#include "redis/decode.h"

namespace tocsin::api {

boost::asio::awaitable<bool> write_audit(redis::Client& redis, const std::string& alert_id,
                                         const std::string& action, const std::string& detail,
                                         const auth::Principal& who) {
  namespace keys = alerts::keys;
  redis::Command entry{"XADD",
                       std::string(audit::keys::kAudit),
                       "*",
                       "actor",
                       who.name,
                       "action",
                       action,
                       "subject",
                       alert_id,
                       "detail",
                       detail + " token=" + who.token_id};
  redis::Command trail = entry;
  trail[1] = keys::audit_trail(alert_id);
  std::vector<redis::Command> entries{std::move(entry), std::move(trail)};
  co_return bool(redis::decode_each<redis::Ignore, redis::Ignore>(
      co_await redis.exec_pipeline(std::move(entries))));
}

}  // namespace tocsin::api
