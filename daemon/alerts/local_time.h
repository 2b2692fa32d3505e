#pragma once
// Event times as members read them: in the union's time zone and in their language
// ("dimanche 7 h 00" / "Sunday 7:00 a.m."), never in the host's zone or in UTC.
//
// The zone rules come from Abseil's time library (cctz), which reads the same compiled zone
// files as glibc ($TZDIR or /usr/share/zoneinfo) but takes the zone as an argument: nothing
// here touches the process's TZ, so any thread may format in any zone at any time without
// racing the threads that read the environment (libcurl, the resolver, the log's clock).
// Abseil keeps every zone it has loaded, so a zone file is read once per process.

#include <chrono>
#include <string>
#include <string_view>

namespace tocsin::alerts {

// An IANA name ("America/Toronto", "Etc/GMT+5", "UTC") with a compiled zone file under
// $TZDIR or /usr/share/zoneinfo. A zone library falls back to UTC for an unknown name,
// shifting every event by hours, so callers check first. Names only: no paths, no "..".
bool is_known_time_zone(const std::string& zone);

// Loads `zone` ahead of its first use, so a bad zone fails at startup rather than at the
// first message. Throws std::invalid_argument for an unknown zone. Changes no process state
// but that cache.
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
// jumps past it; on a day that repeats it, its first reading still after `when`.
std::chrono::system_clock::time_point next_local_clock(std::chrono::system_clock::time_point when,
                                                       int minute_of_day,
                                                       const std::string& time_zone);

// `when` on the clock of the reader's own zone (TZ, else /etc/localtime), in strftime-like
// Abseil format ("%a %Y-%m-%d %H:%M %Z"): for the CLI, whose reader is not a member.
std::string format_in_local_zone(std::chrono::system_clock::time_point when,
                                 const std::string& format);

// `when` on the clock of `time_zone` (the union's, as the daemon tells it), in the same
// format: for the CLI, which shows an alert's times all in one zone, the union's. Throws
// std::invalid_argument for an unknown zone.
std::string format_in_zone(std::chrono::system_clock::time_point when, const std::string& format,
                           const std::string& time_zone);

}  // namespace tocsin::alerts
