#pragma once
// Which send queue an alert's jobs go to (daemon/README.md, "Urgent first"): the emergency kinds
// are served before strike-vote and information traffic, so a banner drop for 15 activists
// is never stuck behind a 150,000-member newsletter. The alert store writes the class into
// alert:{id} (field kind); the send queue and the dispatch engine read it.

#include <string_view>

#include "alerts/alert_keys.h"
#include "proto/tocsin.pb.h"

namespace tocsin::alerts {

inline constexpr std::string_view kUrgentClass = "urgent";
inline constexpr std::string_view kRoutineClass = "routine";

// "urgent" or "routine". An unspecified kind (refused by validation) is routine: nothing
// jumps the line without saying why.
inline std::string_view queue_class(AlertKind kind) {
  switch (kind) {
    case SPECIAL_LAW_THREAT:
    case EMERGENCY_ASSEMBLY:
    case BANNER_DROP:
      return kUrgentClass;
    case STRIKE_VOTE:
    case INFORMATION:
    default:
      return kRoutineClass;
  }
}

// The stream the jobs of a queue class go to: q:send:urgent or q:send:routine.
inline std::string_view queue_key(std::string_view queue_class) {
  return queue_class == kUrgentClass ? keys::kUrgentQueue : keys::kRoutineQueue;
}

}  // namespace tocsin::alerts
