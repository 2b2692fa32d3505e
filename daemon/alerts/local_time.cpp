#include "alerts/local_time.h"

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <mutex>
#include <stdexcept>

namespace tocsin::alerts {
namespace {

constexpr const char* kFrenchDays[] = {"dimanche", "lundi",    "mardi", "mercredi",
                                       "jeudi",    "vendredi", "samedi"};
constexpr const char* kFrenchMonths[] = {"janvier",   "février", "mars",     "avril",
                                         "mai",       "juin",    "juillet",  "août",
                                         "septembre", "octobre", "novembre", "décembre"};
constexpr const char* kEnglishDays[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                        "Thursday", "Friday", "Saturday"};
constexpr const char* kEnglishMonths[] = {"January",   "February", "March",    "April",
                                          "May",       "June",     "July",     "August",
                                          "September", "October",  "November", "December"};

std::mutex zone_mutex;
std::string active_zone;  // guarded by zone_mutex; empty until we set one

// Caller holds zone_mutex.
void switch_zone_locked(const std::string& zone) {
  if (zone == active_zone) return;
  if (!is_known_time_zone(zone)) throw std::invalid_argument("unknown time zone: " + zone);
  setenv("TZ", zone.c_str(), 1);
  tzset();
  active_zone = zone;
}

std::tm local_fields(std::chrono::system_clock::time_point when, const std::string& zone) {
  const std::time_t seconds =
      std::chrono::system_clock::to_time_t(std::chrono::floor<std::chrono::seconds>(when));
  std::tm fields{};
  std::lock_guard lock(zone_mutex);
  switch_zone_locked(zone);
  localtime_r(&seconds, &fields);
  return fields;
}

bool is_english(std::string_view language) {
  return language == "en";
}

std::string two_digits(int value) {
  return std::string{static_cast<char>('0' + value / 10), static_cast<char>('0' + value % 10)};
}

// "7 h 00": the 24-hour clock, as Quebec French writes it.
std::string french_clock(const std::tm& t) {
  return std::to_string(t.tm_hour) + " h " + two_digits(t.tm_min);
}

// "7:00 a.m.": the Canadian Press style; 12 for noon and midnight.
std::string english_clock(const std::tm& t) {
  const int hour12 = t.tm_hour % 12 == 0 ? 12 : t.tm_hour % 12;
  return std::to_string(hour12) + ":" + two_digits(t.tm_min) + (t.tm_hour < 12 ? " a.m." : " p.m.");
}

}  // namespace

bool is_known_time_zone(const std::string& zone) {
  // A name, not a path: no absolute paths, no climbing out of the zone directory.
  if (zone.empty() || zone.front() == '/' || zone.find("..") != std::string::npos) return false;
  const char* tzdir = std::getenv("TZDIR");
  const std::filesystem::path dir = tzdir && *tzdir ? tzdir : "/usr/share/zoneinfo";
  std::error_code error;
  return std::filesystem::is_regular_file(dir / zone, error);
}

void use_time_zone(const std::string& zone) {
  std::lock_guard lock(zone_mutex);
  switch_zone_locked(zone);
}

std::string format_event_time(std::chrono::system_clock::time_point when, std::string_view language,
                              const std::string& time_zone) {
  const std::tm t = local_fields(when, time_zone);
  if (is_english(language)) return std::string(kEnglishDays[t.tm_wday]) + " " + english_clock(t);
  return std::string(kFrenchDays[t.tm_wday]) + " " + french_clock(t);
}

std::string format_time_of_day(std::chrono::system_clock::time_point when,
                               std::string_view language, const std::string& time_zone) {
  const std::tm t = local_fields(when, time_zone);
  return is_english(language) ? english_clock(t) : french_clock(t);
}

std::string format_event_date_time(std::chrono::system_clock::time_point when,
                                   std::string_view language, const std::string& time_zone) {
  const std::tm t = local_fields(when, time_zone);
  if (is_english(language)) {
    return std::string(kEnglishDays[t.tm_wday]) + ", " + kEnglishMonths[t.tm_mon] + " " +
           std::to_string(t.tm_mday) + ", " + english_clock(t);
  }
  // French writes the first of the month as an ordinal: "1er juin".
  const std::string day = t.tm_mday == 1 ? "1er" : std::to_string(t.tm_mday);
  return std::string(kFrenchDays[t.tm_wday]) + " " + day + " " + kFrenchMonths[t.tm_mon] + ", " +
         french_clock(t);
}

int local_minute_of_day(std::chrono::system_clock::time_point when, const std::string& time_zone) {
  const std::tm t = local_fields(when, time_zone);
  return t.tm_hour * 60 + t.tm_min;
}

std::chrono::system_clock::time_point next_local_clock(std::chrono::system_clock::time_point when,
                                                       int minute_of_day,
                                                       const std::string& time_zone) {
  using namespace std::chrono;
  const std::time_t seconds = system_clock::to_time_t(floor<std::chrono::seconds>(when));
  std::lock_guard lock(zone_mutex);
  switch_zone_locked(time_zone);
  std::tm today{};
  localtime_r(&seconds, &today);
  // Today's date at that clock, then the next days until it lies after `when`. mktime with
  // tm_isdst = -1 picks the offset in force on that date, so DST changes fall out of it.
  for (int day_offset = 0; day_offset < 3; ++day_offset) {
    std::tm candidate{};
    candidate.tm_year = today.tm_year;
    candidate.tm_mon = today.tm_mon;
    candidate.tm_mday = today.tm_mday + day_offset;
    candidate.tm_hour = minute_of_day / 60;
    candidate.tm_min = minute_of_day % 60;
    candidate.tm_isdst = -1;
    const std::time_t at = mktime(&candidate);
    if (at != static_cast<std::time_t>(-1) && at > seconds) return system_clock::from_time_t(at);
  }
  return when + hours(24);  // unreachable for a valid zone: a local clock recurs daily
}

}  // namespace tocsin::alerts
