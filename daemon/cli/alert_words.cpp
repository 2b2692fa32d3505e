#include "cli/alert_words.h"

#include "alerts/local_time.h"
#include "alerts/rfc3339.h"

namespace tocsin::cli {

std::string kind_words(AlertKind kind) {
  switch (kind) {
    case SPECIAL_LAW_THREAT:
      return "special-law threat";
    case EMERGENCY_ASSEMBLY:
      return "emergency assembly";
    case BANNER_DROP:
      return "banner drop";
    case STRIKE_VOTE:
      return "strike vote";
    case INFORMATION:
      return "information";
    default:
      return "unspecified";
  }
}

std::string channel_words(Channel channel) {
  switch (channel) {
    case SMS:
      return "SMS";
    case EMAIL:
      return "email";
    case BOTH:
      return "SMS and email";
    default:
      return "unspecified";
  }
}

std::string state_words(AlertState state) {
  switch (state) {
    case DRAFT:
      return "draft";
    case APPROVED:
      return "approved";
    case SENDING:
      return "sending";
    case SENT:
      return "sent";
    case CLOSED:
      return "closed";
    case CANCELLED:
      return "cancelled";
    case SCHEDULED:
      return "scheduled";
    default:
      return "unknown";
  }
}

UnionClock::UnionClock(const std::string& time_zone)
    : zone_(!time_zone.empty() && alerts::is_known_time_zone(time_zone) ? time_zone : "UTC") {}

std::string UnionClock::at(std::chrono::system_clock::time_point when) const {
  return alerts::format_in_zone(when, "%a %Y-%m-%d %H:%M", zone_);
}

std::string UnionClock::at_unix(int64_t unix_seconds) const {
  if (unix_seconds == 0) return "";
  return at(std::chrono::system_clock::time_point{std::chrono::seconds(unix_seconds)});
}

std::string UnionClock::at_rfc3339(const std::string& rfc3339) const {
  const auto when = alerts::parse_rfc3339(rfc3339);
  return when ? at(*when) : rfc3339;
}

}  // namespace tocsin::cli
