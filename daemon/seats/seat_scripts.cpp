#include "seats/seat_scripts.h"

#include <string>

#include "alerts/alert_keys.h"
#include "seats/add_bus.lua.h"
#include "seats/lapse_unconfirmed.lua.h"

namespace tocsin::seats {

namespace keys = alerts::keys;

const redis::Script& add_bus_script() {
  static const redis::Script script(std::string(lua::add_bus));
  return script;
}

std::vector<std::string> add_bus_keys(const std::string& alert_id) {
  return {keys::alert(alert_id), keys::day(alert_id), keys::audit_trail(alert_id)};
}

const redis::Script& lapse_unconfirmed_script() {
  static const redis::Script script(std::string(lua::lapse_unconfirmed));
  return script;
}

std::vector<std::string> lapse_unconfirmed_keys(const std::string& alert_id) {
  return {keys::alert(alert_id), keys::seats(alert_id), keys::seat_notices(alert_id)};
}

}  // namespace tocsin::seats
