#include "events/publish_script.h"

#include "events/event_keys.h"
#include "events/publish_turnout.lua.h"
#include "redis/script.h"

namespace tocsin::events {

const redis::Script& publish_turnout_script() {
  static const redis::Script script(std::string(lua::publish_turnout));
  return script;
}

std::vector<std::string> publish_turnout_keys(const std::string& alert_id) {
  return {keys::turnout_version(alert_id),
          keys::tally(alert_id),
          keys::reach(alert_id),
          keys::published(alert_id),
          keys::events(alert_id),
          keys::day(alert_id),
          keys::turnout_tracked(alert_id),
          keys::moved_fields(keys::tally(alert_id)),
          keys::moved_fields(keys::reach(alert_id)),
          keys::moved_fields(keys::day(alert_id))};
}

}  // namespace tocsin::events
