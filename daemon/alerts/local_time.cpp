#include "alerts/local_time.h"

#include <absl/time/civil_time.h>
#include <absl/time/time.h>

#include <stdexcept>

namespace tocsin::alerts {
namespace {

// Indexed by absl::Weekday, which starts on Monday.
constexpr const char* kFrenchDays[] = {"lundi",    "mardi",  "mercredi", "jeudi",
                                       "vendredi", "samedi", "dimanche"};
constexpr const char* kFrenchMonths[] = {"janvier",   "février", "mars",     "avril",
                                         "mai",       "juin",    "juillet",  "août",
                                         "septembre", "octobre", "novembre", "décembre"};
constexpr const char* kEnglishDays[] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                        "Friday", "Saturday", "Sunday"};
constexpr const char* kEnglishMonths[] = {"January",   "February", "March",    "April",
                                          "May",       "June",     "July",     "August",
                                          "September", "October",  "November", "December"};

// A name cctz would read as something other than a file of the zone directory (a path, a
// climb out of it, "file:" or ":" prefixes, a POSIX rule) is refused before it is tried.
bool is_plausible_zone_name(const std::string& name) {
  if (name.empty() || name.front() == '/' || name.back() == '/') return false;
  if (name.find("..") != std::string::npos || name.find("//") != std::string::npos) {
    return false;
  }
  for (char c : name) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '/' || c == '_' || c == '-' || c == '+';
    if (!ok) return false;
  }
  return true;
}

absl::TimeZone load_zone(const std::string& name) {
  absl::TimeZone zone;
  if (!is_plausible_zone_name(name) || !absl::LoadTimeZone(name, &zone)) {
    throw std::invalid_argument("unknown time zone: " + name);
  }
  return zone;
}

absl::CivilSecond local_fields(std::chrono::system_clock::time_point when,
                               const std::string& zone) {
  return absl::ToCivilSecond(absl::FromChrono(when), load_zone(zone));
}

int weekday_index(const absl::CivilSecond& t) {
  return static_cast<int>(absl::GetWeekday(t));
}

std::string two_digits(int value) {
  return std::string{static_cast<char>('0' + value / 10), static_cast<char>('0' + value % 10)};
}

// "7 h 00": the 24-hour clock, as Quebec French writes it.
std::string french_clock(const absl::CivilSecond& t) {
  return std::to_string(t.hour()) + " h " + two_digits(t.minute());
}

// "7:00 a.m.": the Canadian Press style; 12 for noon and midnight.
std::string english_clock(const absl::CivilSecond& t) {
  const int hour12 = t.hour() % 12 == 0 ? 12 : t.hour() % 12;
  return std::to_string(hour12) + ":" + two_digits(t.minute()) +
         (t.hour() < 12 ? " a.m." : " p.m.");
}

bool is_english(std::string_view language) {
  return language == "en";
}

}  // namespace

bool is_known_time_zone(const std::string& zone) {
  absl::TimeZone loaded;
  return is_plausible_zone_name(zone) && absl::LoadTimeZone(zone, &loaded);
}

void use_time_zone(const std::string& zone) {
  load_zone(zone);
}

std::string format_event_time(std::chrono::system_clock::time_point when, std::string_view language,
                              const std::string& time_zone) {
  const absl::CivilSecond t = local_fields(when, time_zone);
  if (is_english(language))
    return std::string(kEnglishDays[weekday_index(t)]) + " " + english_clock(t);
  return std::string(kFrenchDays[weekday_index(t)]) + " " + french_clock(t);
}

std::string format_time_of_day(std::chrono::system_clock::time_point when,
                               std::string_view language, const std::string& time_zone) {
  const absl::CivilSecond t = local_fields(when, time_zone);
  return is_english(language) ? english_clock(t) : french_clock(t);
}

std::string format_event_date_time(std::chrono::system_clock::time_point when,
                                   std::string_view language, const std::string& time_zone) {
  const absl::CivilSecond t = local_fields(when, time_zone);
  const int weekday = weekday_index(t);
  if (is_english(language)) {
    return std::string(kEnglishDays[weekday]) + ", " + kEnglishMonths[t.month() - 1] + " " +
           std::to_string(t.day()) + ", " + english_clock(t);
  }
  // French writes the first of the month as an ordinal: "1er juin".
  const std::string day = t.day() == 1 ? "1er" : std::to_string(t.day());
  return std::string(kFrenchDays[weekday]) + " " + day + " " + kFrenchMonths[t.month() - 1] + ", " +
         french_clock(t);
}

int local_minute_of_day(std::chrono::system_clock::time_point when, const std::string& time_zone) {
  const absl::CivilSecond t = local_fields(when, time_zone);
  return t.hour() * 60 + t.minute();
}

std::chrono::system_clock::time_point next_local_clock(std::chrono::system_clock::time_point when,
                                                       int minute_of_day,
                                                       const std::string& time_zone) {
  const absl::TimeZone zone = load_zone(time_zone);
  const absl::Time after = absl::FromChrono(when);
  const absl::CivilDay today(absl::ToCivilSecond(after, zone));
  // That clock today, then on the next days, until a reading lies after `when`. FromCivil
  // gives a clock skipped by the clocks going forward as the instant they jump past it, and a
  // clock read twice as they go back as its first reading; the second one is `post`.
  for (int day_offset = 0; day_offset < 3; ++day_offset) {
    const absl::CivilSecond at(absl::CivilMinute(today + day_offset) + minute_of_day);
    const absl::Time first = absl::FromCivil(at, zone);
    if (first > after) return absl::ToChronoTime(first);
    const absl::TimeZone::TimeInfo info = zone.At(at);
    if (info.kind == absl::TimeZone::TimeInfo::REPEATED && info.post > after) {
      return absl::ToChronoTime(info.post);
    }
  }
  return when + std::chrono::hours(24);  // unreachable for a valid zone: a clock recurs daily
}

std::string format_in_local_zone(std::chrono::system_clock::time_point when,
                                 const std::string& format) {
  return absl::FormatTime(format, absl::FromChrono(when), absl::LocalTimeZone());
}

std::string format_in_zone(std::chrono::system_clock::time_point when, const std::string& format,
                           const std::string& time_zone) {
  return absl::FormatTime(format, absl::FromChrono(when), load_zone(time_zone));
}

}  // namespace tocsin::alerts
