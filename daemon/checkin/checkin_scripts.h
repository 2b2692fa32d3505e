#pragma once
// The check-in's Lua scripts (checkin_store.h). Each runs atomically in Redis, so two
// coordinators scanning the same member at the same second count them once.

#include <string>
#include <vector>

namespace tocsin::redis {
class Script;
}

namespace tocsin::checkin {

// Records a member present (checkin/check_in.lua). KEYS: check_in_keys(alert). ARGV: alert, member,
// how ("scan" | "manual" | "self"), by (who recorded it: a token's name, or "sms"), at_ms, audited
// ("1": write an audit entry, the route's names having been handed out), then the member's region,
// sector, local and title as read from the roster (turnout/targeting.h read_places: their place
// when the alert has not placed them yet). A member who answered the
// alert or is in its frozen audience may be checked in; any other member is refused. The first
// record stays: alert:{id}:present HSETNX-ed, counted once as "present" (scan, manual) or
// "present_self" (self) in alert:{id}:day at the member's place and at their pickup point (their
// bus seat's, else their answer's). A scan or manual record after a self-report replaces it, moving
// the member from present_self to present; anything else after the first record changes nothing.
// Returns { status, at_ms, how, by, answer } with status "checked_in", "already",
// "no_alert" or "not_in_alert" (the last two with nothing else); answer is the member's
// RSVP answer ("yes", "no", "maybe", "" for none).
const redis::Script& check_in_script();
std::vector<std::string> check_in_keys(const std::string& alert_id);

// Members' short codes, each made once per alert (checkin/short_code.lua). KEYS: per
// member, add_short_code_keys(their alert). ARGV: k, then per member: member and k
// candidate codes. Returns per member their code (new, or made before), "taken" when
// every candidate belongs to another member of that alert (draw new ones), or "no_alert".
// Codes are upper case and never read "taken" or "no_alert".
const redis::Script& short_code_script();
void add_short_code_keys(std::vector<std::string>& out, const std::string& alert_id);

}  // namespace tocsin::checkin
