#pragma once
// Event times as members read them: in the union's time zone and in their language
// ("dimanche 7 h 00" / "Sunday 7:00 a.m."), never in the host's zone or in UTC.
//
// Why glibc's TZ and not a zone library: libstdc++ 12 has no std::chrono::zoned_time, and
// reading TZif files ourselves would duplicate glibc's well-tested rules. The cost is that
// the zone is process-wide: the daemon has exactly one, the union's (config `time_zone`),
// which app startup should pass to use_time_zone() before starting threads. The formatters
// take the zone too and switch to it if it differs (under a lock, so our own callers never
// see a half-switched zone); that switch calls setenv(), which is only safe while no other
// thread reads the environment — in the daemon it happens once, at startup. No other I/O
// than glibc reading the zone file.

#include <chrono>
#include <string>
#include <string_view>

namespace tocsin::alerts {

// An IANA name ("America/Toronto") with a zone file under $TZDIR or /usr/share/zoneinfo.
// glibc silently falls back to UTC for an unknown zone, shifting every event by hours, so
// we check first.
bool is_known_time_zone(const std::string& zone);

// Makes `zone` the process's local zone. Throws std::invalid_argument for an unknown zone.
void use_time_zone(const std::string& zone);

// Weekday and time: "dimanche 7 h 00", "dimanche 0 h 30" / "Sunday 7:00 a.m.",
// "Sunday 12:30 p.m." (noon), "Sunday 12:00 a.m." (midnight). Any language but "en" gets
// French, as members do. Throws std::invalid_argument for an unknown zone.
std::string format_event_time(std::chrono::system_clock::time_point when, std::string_view language,
                              const std::string& time_zone);

// The clock alone: "7 h 00" / "7:00 a.m.".
std::string format_time_of_day(std::chrono::system_clock::time_point when,
                               std::string_view language, const std::string& time_zone);

// With the date: "dimanche 7 juin, 7 h 00", "lundi 1er juin, 7 h 00" /
// "Sunday, June 7, 7:00 a.m.".
std::string format_event_date_time(std::chrono::system_clock::time_point when,
                                   std::string_view language, const std::string& time_zone);

// Minutes since local midnight (0..1439) at `when` in `time_zone`.
int local_minute_of_day(std::chrono::system_clock::time_point when, const std::string& time_zone);

// The first instant strictly after `when` at which the local clock of `time_zone` reads
// `minute_of_day` (0..1439). On a DST day whose gap skips that time, the instant the clock
// jumps past it.
std::chrono::system_clock::time_point next_local_clock(std::chrono::system_clock::time_point when,
                                                       int minute_of_day,
                                                       const std::string& time_zone);

}  // namespace tocsin::alerts
