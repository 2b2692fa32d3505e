#include "checkin/checkin_scripts.h"

#include <string>

#include "checkin/check_in.lua.h"
#include "checkin/checkin_keys.h"
#include "checkin/short_code.lua.h"
#include "redis/script.h"

namespace tocsin::checkin {

const redis::Script& check_in_script() {
  static const redis::Script script(std::string(lua::check_in));
  return script;
}

std::vector<std::string> check_in_keys(const std::string& alert_id) {
  return {keys::alert(alert_id),           keys::rsvp(alert_id),    keys::audience(alert_id),
          keys::seats(alert_id),           keys::present(alert_id), keys::day(alert_id),
          keys::audit_trail(alert_id)};
}

const redis::Script& short_code_script() {
  static const redis::Script script(std::string(lua::short_code));
  return script;
}

void add_short_code_keys(std::vector<std::string>& out, const std::string& alert_id) {
  out.push_back(keys::alert(alert_id));
  out.push_back(keys::checkin_code_of(alert_id));
  out.push_back(keys::checkin_codes(alert_id));
}

}  // namespace tocsin::checkin
