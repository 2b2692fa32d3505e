#include "schedule/quiet_hours.h"

#include "alerts/local_time.h"

namespace tocsin::schedule {

std::optional<int> parse_clock(std::string_view text) {
  const size_t colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon > 2 || text.size() != colon + 3) {
    return std::nullopt;
  }
  int hours = 0;
  for (size_t i = 0; i < colon; ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    hours = hours * 10 + (text[i] - '0');
  }
  const char tens = text[colon + 1], ones = text[colon + 2];
  if (tens < '0' || tens > '5' || ones < '0' || ones > '9') return std::nullopt;
  if (hours > 23) return std::nullopt;
  return hours * 60 + (tens - '0') * 10 + (ones - '0');
}

bool in_window(const QuietWindow& window, int minute_of_day) {
  if (window.start_minute == window.end_minute) return false;
  if (window.start_minute < window.end_minute) {
    return minute_of_day >= window.start_minute && minute_of_day < window.end_minute;
  }
  return minute_of_day >= window.start_minute || minute_of_day < window.end_minute;
}

std::optional<std::chrono::system_clock::time_point> held_until(
    const QuietWindow& window, std::chrono::system_clock::time_point now,
    const std::string& time_zone) {
  if (!in_window(window, alerts::local_minute_of_day(now, time_zone))) return std::nullopt;
  return alerts::next_local_clock(now, window.end_minute, time_zone);
}

}  // namespace tocsin::schedule
