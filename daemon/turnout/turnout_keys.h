#pragma once
// Where an alert's live turnout counts live in Redis: the keys the turnout scripts are
// given (turnout/*.lua). They are an alert's keys, under its hash tag {id}; most are named
// in alerts/alert_keys.h and only used here, the reach log's are spelled here.
//
//   alert:{id}                 HASH, the alert (its "state" says whether it is sending)
//   alert:{id}:audience        SET of member ids, the frozen audience (walked by targeting)
//   alert:{id}:reach           HASH "region|dimension|measure" -> members (turnout_field.h)
//   alert:{id}:dims            HASH member id -> where the member counts
//   alert:{id}:regions         SET of the region parts the counts name
//   alert:{id}:reach_log       LIST of reach moves not yet counted: member, old best, new
//                              best ('' for none), while the alert is sending
//   alert:{id}:reach_log_at    STRING, Unix ms of the oldest move in the log
//   alert:{id}:turnout_version STRING, +1 per script call that changes the counts
//   alert:{id}:turnout_at      STRING, Unix ms of the last such change
//
// The shared fragment turnout/reach_lib.lua still builds these names itself from the
// alert's key ("alert:{id}"), and reads member:{id}:idx (the members' index) for a member
// not yet placed in alert:{id}:dims.

#include <string>
#include <string_view>

#include "alerts/alert_keys.h"

namespace tocsin::turnout::keys {

using alerts::keys::alert;
using alerts::keys::audience;
using alerts::keys::dims;
using alerts::keys::reach;
using alerts::keys::regions;
using alerts::keys::turnout_at;
using alerts::keys::turnout_version;

inline std::string reach_log(std::string_view id) {
  return alert(id) + ":reach_log";
}
inline std::string reach_log_at(std::string_view id) {
  return alert(id) + ":reach_log_at";
}

}  // namespace tocsin::turnout::keys
