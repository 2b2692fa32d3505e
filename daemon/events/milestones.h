#pragma once
// Milestones of an alert, on its event stream: a target reached (members answering yes >=
// TurnoutTarget.target) or a quorum reached (members checked in at the door >=
// TurnoutTarget.quorum), each written once per target, whatever the number of daemons.
// The turnout publisher checks them after it writes an entry for an alert with targets.
//
//   alert:{id}:milestones  HASH "<kind>|<dimension>|<key>" -> Unix ms it was reached
//   alert:{id}:events      an entry with the fields "#milestone" (the JSON below) and
//                          "#region" (the region part a region target counts in; "" for a
//                          local or sector target, which only all-region viewers see)
//
// The JSON: {"kind":"target"|"quorum","dimension":"region","value":"Montérégie",
// "goal":30,"count":31,"at_ms":...}. The event stream sends it as `event: milestone`.

#include <string>
#include <vector>

#include "redis/script.h"

namespace tocsin {
class Alert;
}

namespace tocsin::events {

// events/milestones.lua. KEYS: milestone_keys(alert id). ARGV: stream MAXLEN
// (approximate), then per goal: kind, dimension, key (folded, as the
// raw fields name it), goal, value (as the alert names it). Returns the number of milestones
// written.
const redis::Script& milestone_script();
std::vector<std::string> milestone_keys(const std::string& alert_id);

// The goals of the alert's targets as milestone_script()'s ARGV after the MAXLEN; empty
// when the alert has none.
std::vector<std::string> milestone_goals(const Alert& alert);

}  // namespace tocsin::events
