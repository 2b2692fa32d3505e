#pragma once
// The keys the event stream's publisher keeps beside those of alerts/alert_keys.h that it
// reads and writes (alert:{id}:events, alert:{id}:turnout_version and :turnout_tracked,
// alert:{id}:tally, alert:{id}:reach, alert:{id}:day and their :moved sets,
// alert:{id}:regions):
//
//   alert:{id}:published   HASH field name -> the value last written to alert:{id}:events,
//                          and two bookkeeping fields without '|' (no count has one):
//                          "#version" the turnout_version that was compared last,
//                          "#at_ms" Redis's time when the last entry was written,
//                          "#untracked" turnout_version minus turnout_tracked then
//   alert:{id}:milestones  HASH "<kind>|<dimension>|<key>" -> Unix ms: the targets and
//                          quorums reached, each told once on the stream (milestones.h)

#include <string>
#include <string_view>

#include "alerts/alert_keys.h"

namespace tocsin::events::keys {

using alerts::keys::day;
using alerts::keys::events;
using alerts::keys::moved_fields;
using alerts::keys::reach;
using alerts::keys::regions;
using alerts::keys::tally;
using alerts::keys::turnout_tracked;
using alerts::keys::turnout_version;

inline std::string published(std::string_view id) {
  return alerts::keys::alert(id) + ":published";
}
inline std::string milestones(std::string_view id) {
  return alerts::keys::alert(id) + ":milestones";
}

}  // namespace tocsin::events::keys
