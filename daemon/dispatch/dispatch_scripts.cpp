#include "dispatch/dispatch_scripts.h"

#include "alerts/alert_keys.h"
#include "dispatch/dispatch_keys.h"
#include "dispatch/prepare.lua.h"
#include "dispatch/record.lua.h"
#include "dispatch/take_retries.lua.h"
#include "members/member_keys.h"

namespace tocsin::dispatch {

const redis::Script& prepare_script() {
  static const redis::Script script(std::string(lua::prepare));
  return script;
}

const redis::Script& record_script() {
  static const redis::Script script(std::string(lua::record));
  return script;
}

const redis::Script& take_retries_script() {
  static const redis::Script script(std::string(lua::take_retries));
  return script;
}

std::vector<std::string> prepare_keys(const std::string& alert_id,
                                      const std::string& rsvp_alert_id,
                                      const std::vector<std::string>& members) {
  std::vector<std::string> out{alerts::keys::alert(alert_id),
                               alerts::keys::delivery(alert_id),
                               alerts::keys::recipients(alert_id),
                               alerts::keys::counts(alert_id),
                               keys::unreachable(alert_id),
                               alerts::keys::links(rsvp_alert_id),
                               alerts::keys::alert(rsvp_alert_id),
                               members::keys::opt_out_registry("sms"),
                               members::keys::opt_out_registry("email")};
  out.reserve(out.size() + 2 * members.size());
  for (const std::string& member : members) {
    out.push_back(keys::member(member));
    out.push_back(keys::member_index(member));
  }
  return out;
}

}  // namespace tocsin::dispatch
