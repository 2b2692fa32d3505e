#include "alerts/alert_scripts.h"

#include <string>

#include "alerts/alert_create.lua.h"
#include "alerts/alert_create_child.lua.h"
#include "alerts/alert_reserve_child.lua.h"
#include "alerts/alert_transition.lua.h"
#include "redis/script.h"

namespace tocsin::alerts {

const redis::Script& create_alert_script() {
  static const redis::Script script(std::string(lua::alert_create));
  return script;
}

const redis::Script& create_child_script() {
  static const redis::Script script(std::string(lua::alert_create_child));
  return script;
}

const redis::Script& reserve_child_script() {
  static const redis::Script script(std::string(lua::alert_reserve_child));
  return script;
}

const redis::Script& transition_script() {
  static const redis::Script script(std::string(lua::alert_transition));
  return script;
}

}  // namespace tocsin::alerts
