#pragma once
// Quiet hours: a daily window of local time (e.g. 21:00 to 8:00) during which messages of
// some alert kinds are held, not dropped, and go out when it ends. Windows may cross
// midnight. Local time is the union's time zone (config `time_zone`): members carry no
// zone of their own. Pure, apart from glibc reading the zone file.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace tocsin::schedule {

struct QuietWindow {
  int start_minute = 0;  // minutes after local midnight, 0..1439
  int end_minute = 0;    // idem; equal to start_minute: no quiet hours
};

// "21:00" / "8:00" / "08:30" -> minutes after midnight; nullopt unless H:MM or HH:MM with
// H < 24 and MM < 60.
std::optional<int> parse_clock(std::string_view text);

// Whether `minute_of_day` lies in the window [start, end), crossing midnight when
// start > end.
bool in_window(const QuietWindow& window, int minute_of_day);

// When a message due at `now` may go: nullopt when `now` is outside the window, otherwise
// the next local time the window ends.
std::optional<std::chrono::system_clock::time_point> held_until(
    const QuietWindow& window, std::chrono::system_clock::time_point now,
    const std::string& time_zone);

}  // namespace tocsin::schedule
