#include "alerts/send_deadline.h"

#include <algorithm>
#include <chrono>

#include "alerts/rfc3339.h"

namespace tocsin::alerts {

int64_t send_deadline_ms(int64_t expires_at_ms, std::string_view event_time) {
  int64_t event_ms = 0;
  if (auto at = parse_rfc3339(event_time)) {
    event_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(at->time_since_epoch()).count();
  }
  if (expires_at_ms <= 0) return std::max<int64_t>(event_ms, 0);
  if (event_ms <= 0) return expires_at_ms;
  return std::min(expires_at_ms, event_ms);
}

}  // namespace tocsin::alerts
