// Event times in the union's zone and the member's language, across both DST changes of
// 2026 in America/Toronto.

#include "alerts/local_time.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace tocsin::alerts {
namespace {

using namespace std::chrono;

const std::string kZone = "America/Toronto";

system_clock::time_point utc(int y, unsigned m, unsigned d, int h, int min) {
  return sys_days{year{y} / month{m} / day{d}} + hours{h} + minutes{min};
}

TEST(AlertsLocalTime, FrenchAndEnglishMorning) {
  // 2026-06-07 is a Sunday; Toronto is UTC-4 in summer.
  EXPECT_EQ(format_event_time(utc(2026, 6, 7, 11, 0), "fr", kZone), "dimanche 7 h 00");
  EXPECT_EQ(format_event_time(utc(2026, 6, 7, 11, 30), "fr", kZone), "dimanche 7 h 30");
  EXPECT_EQ(format_event_time(utc(2026, 6, 7, 11, 0), "en", kZone), "Sunday 7:00 a.m.");
}

TEST(AlertsLocalTime, NoonAndMidnight) {
  EXPECT_EQ(format_event_time(utc(2026, 6, 7, 16, 0), "fr", kZone), "dimanche 12 h 00");
  EXPECT_EQ(format_event_time(utc(2026, 6, 7, 16, 0), "en", kZone), "Sunday 12:00 p.m.");
  EXPECT_EQ(format_event_time(utc(2026, 6, 7, 16, 30), "en", kZone), "Sunday 12:30 p.m.");
  EXPECT_EQ(format_event_time(utc(2026, 6, 7, 4, 0), "fr", kZone), "dimanche 0 h 00");
  EXPECT_EQ(format_event_time(utc(2026, 6, 7, 4, 15), "en", kZone), "Sunday 12:15 a.m.");
  EXPECT_EQ(format_event_time(utc(2026, 6, 7, 3, 59), "en", kZone), "Saturday 11:59 p.m.");
  EXPECT_EQ(format_event_time(utc(2026, 6, 7, 3, 59), "fr", kZone), "samedi 23 h 59");
  EXPECT_EQ(format_event_time(utc(2026, 6, 7, 17, 5), "en", kZone), "Sunday 1:05 p.m.");
}

TEST(AlertsLocalTime, WithTheDate) {
  EXPECT_EQ(format_event_date_time(utc(2026, 6, 7, 11, 0), "fr", kZone), "dimanche 7 juin, 7 h 00");
  EXPECT_EQ(format_event_date_time(utc(2026, 6, 7, 11, 0), "en", kZone),
            "Sunday, June 7, 7:00 a.m.");
  // French writes the first of the month "1er"; accents in month names are kept.
  EXPECT_EQ(format_event_date_time(utc(2026, 8, 1, 13, 0), "fr", kZone), "samedi 1er août, 9 h 00");
  EXPECT_EQ(format_event_date_time(utc(2026, 12, 1, 14, 0), "fr", kZone),
            "mardi 1er décembre, 9 h 00");
  EXPECT_EQ(format_event_date_time(utc(2026, 8, 1, 13, 0), "en", kZone),
            "Saturday, August 1, 9:00 a.m.");
}

TEST(AlertsLocalTime, ClockAlone) {
  EXPECT_EQ(format_time_of_day(utc(2026, 6, 7, 9, 30), "fr", kZone), "5 h 30");
  EXPECT_EQ(format_time_of_day(utc(2026, 6, 7, 9, 30), "en", kZone), "5:30 a.m.");
}

TEST(AlertsLocalTime, SpringForward) {
  // 2026-03-08 02:00 EST becomes 03:00 EDT (UTC-5 → UTC-4).
  EXPECT_EQ(format_event_time(utc(2026, 3, 8, 6, 30), "fr", kZone), "dimanche 1 h 30");
  EXPECT_EQ(format_event_time(utc(2026, 3, 8, 7, 0), "fr", kZone), "dimanche 3 h 00");
  EXPECT_EQ(format_event_time(utc(2026, 3, 7, 12, 0), "en", kZone), "Saturday 7:00 a.m.");
  EXPECT_EQ(format_event_time(utc(2026, 3, 8, 11, 0), "en", kZone), "Sunday 7:00 a.m.");
}

TEST(AlertsLocalTime, FallBack) {
  // 2026-11-01 02:00 EDT becomes 01:00 EST: 1 h 30 happens twice.
  EXPECT_EQ(format_event_time(utc(2026, 11, 1, 5, 30), "fr", kZone), "dimanche 1 h 30");
  EXPECT_EQ(format_event_time(utc(2026, 11, 1, 6, 30), "fr", kZone), "dimanche 1 h 30");
  EXPECT_EQ(format_event_time(utc(2026, 10, 31, 11, 0), "en", kZone), "Saturday 7:00 a.m.");
  EXPECT_EQ(format_event_time(utc(2026, 11, 1, 12, 0), "en", kZone), "Sunday 7:00 a.m.");
  EXPECT_EQ(format_event_date_time(utc(2026, 11, 1, 12, 0), "fr", kZone),
            "dimanche 1er novembre, 7 h 00");
}

TEST(AlertsLocalTime, OtherLanguagesGetFrench) {
  EXPECT_EQ(format_event_time(utc(2026, 6, 7, 11, 0), "es", kZone), "dimanche 7 h 00");
  EXPECT_EQ(format_event_time(utc(2026, 6, 7, 11, 0), "", kZone), "dimanche 7 h 00");
}

TEST(AlertsLocalTime, AnotherZone) {
  EXPECT_EQ(format_event_time(utc(2026, 6, 7, 11, 0), "en", "America/Vancouver"),
            "Sunday 4:00 a.m.");
  EXPECT_EQ(format_event_time(utc(2026, 6, 7, 11, 0), "en", "UTC"), "Sunday 11:00 a.m.");
  EXPECT_EQ(format_event_time(utc(2026, 6, 7, 11, 0), "en", kZone), "Sunday 7:00 a.m.");
}

TEST(AlertsLocalTime, UnknownZoneIsRefusedNotUtc) {
  EXPECT_FALSE(is_known_time_zone("America/Toront"));
  EXPECT_FALSE(is_known_time_zone(""));
  EXPECT_FALSE(is_known_time_zone("../../etc/passwd"));
  EXPECT_FALSE(is_known_time_zone("/etc/localtime"));
  EXPECT_TRUE(is_known_time_zone(kZone));
  EXPECT_THROW(format_event_time(utc(2026, 6, 7, 11, 0), "fr", "America/Toront"),
               std::invalid_argument);
  EXPECT_THROW(use_time_zone("Mars/Olympus"), std::invalid_argument);
  // A refused zone leaves the previous one in place.
  use_time_zone(kZone);
  EXPECT_THROW(use_time_zone("Nowhere"), std::invalid_argument);
  EXPECT_EQ(format_event_time(utc(2026, 6, 7, 11, 0), "fr", kZone), "dimanche 7 h 00");
}

TEST(AlertsLocalTime, NextClockOnTheNightsTheClocksChange) {
  // 2026-03-08: 2:30 never happens in Toronto; the first instant past it is 3:00 EDT.
  EXPECT_EQ(next_local_clock(utc(2026, 3, 8, 5, 0), 2 * 60 + 30, kZone), utc(2026, 3, 8, 7, 0));
  // 2026-11-01: 1:30 happens at 5:30 UTC (EDT), then again at 6:30 UTC (EST).
  EXPECT_EQ(next_local_clock(utc(2026, 11, 1, 5, 0), 90, kZone), utc(2026, 11, 1, 5, 30));
  EXPECT_EQ(next_local_clock(utc(2026, 11, 1, 5, 45), 90, kZone), utc(2026, 11, 1, 6, 30));
  EXPECT_EQ(next_local_clock(utc(2026, 11, 1, 6, 30), 90, kZone), utc(2026, 11, 2, 6, 30));
}

// TZ as the test found it, put back when the test ends.
class SavedTz {
 public:
  SavedTz() {
    if (const char* tz = std::getenv("TZ")) saved_ = tz;
  }
  ~SavedTz() {
    if (saved_) {
      setenv("TZ", saved_->c_str(), 1);
    } else {
      unsetenv("TZ");
    }
  }

 private:
  std::optional<std::string> saved_;
};

TEST(AlertsLocalTime, FormattingInManyZonesFromTwoThreadsLeavesTzAlone) {
  // Set before any thread starts, as the environment may only be changed then.
  SavedTz saved;
  setenv("TZ", "Pacific/Auckland", 1);
  const char* tz_before = std::getenv("TZ");

  struct Case {
    const char* zone;
    const char* expected;  // 2026-06-07 11:00 UTC there, in English
  };
  const std::vector<Case> cases = {{"America/Toronto", "Sunday 7:00 a.m."},
                                   {"America/Vancouver", "Sunday 4:00 a.m."},
                                   {"Asia/Kolkata", "Sunday 4:30 p.m."},
                                   {"Europe/Paris", "Sunday 1:00 p.m."},
                                   {"UTC", "Sunday 11:00 a.m."}};
  std::vector<int> mismatches(2, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 500; ++round) {
        // The two threads walk the zones in opposite orders, so they ask for different
        // zones at the same moment.
        const Case& c =
            cases[t == 0 ? round % cases.size() : cases.size() - 1 - round % cases.size()];
        if (format_event_time(utc(2026, 6, 7, 11, 0), "en", c.zone) != c.expected) {
          ++mismatches[t];
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();

  EXPECT_EQ(mismatches[0], 0);
  EXPECT_EQ(mismatches[1], 0);
  // Neither the variable nor its storage changed: nothing called setenv().
  EXPECT_EQ(std::getenv("TZ"), tz_before);
  EXPECT_STREQ(std::getenv("TZ"), "Pacific/Auckland");
  use_time_zone(kZone);
  EXPECT_STREQ(std::getenv("TZ"), "Pacific/Auckland");
}

TEST(AlertsLocalTime, TheCliReadsTimesOnItsReadersClock) {
  SavedTz saved;
  setenv("TZ", "America/Toronto", 1);
  EXPECT_EQ(format_in_local_zone(utc(2026, 6, 7, 11, 0), "%a %Y-%m-%d %H:%M %Z"),
            "Sun 2026-06-07 07:00 EDT");
  setenv("TZ", "UTC", 1);
  EXPECT_EQ(format_in_local_zone(utc(2026, 6, 7, 11, 0), "%H:%M:%S"), "11:00:00");
}

}  // namespace
}  // namespace tocsin::alerts
