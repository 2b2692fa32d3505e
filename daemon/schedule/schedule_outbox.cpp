#include "schedule/schedule_outbox.h"

#include "alerts/alert_keys.h"
#include "redis/script.h"
#include "schedule/schedule_keys.h"
#include "schedule/schedule_relay.lua.h"

namespace tocsin::schedule {
namespace {

const redis::Script& apply_script() {
  static const redis::Script script(std::string(lua::schedule_relay));
  return script;
}

}  // namespace

alerts::OutboxRoute schedule_outbox_route() {
  return {"schedule",
          [](const std::string& alert_id) { return alerts::keys::schedule_outbox(alert_id); },
          {.destination = std::string(keys::kDue),
           .cursors = std::string(keys::kRelayed),
           .apply = &apply_script(),
           .more_keys = {std::string(keys::kRunning)}}};
}

boost::asio::awaitable<void> apply_schedule_outbox(redis::Client& redis,
                                                   const std::string& alert_id) {
  const alerts::OutboxRoute route = schedule_outbox_route();
  co_await alerts::relay(redis, alert_id, route);
}

}  // namespace tocsin::schedule
