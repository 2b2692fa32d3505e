// Quiet hours in America/Toronto, including the nights the clocks change (2026-03-08 and
// 2026-11-01).

#include "schedule/quiet_hours.h"

#include <gtest/gtest.h>

namespace tocsin::schedule {
namespace {

using namespace std::chrono;

const std::string kZone = "America/Toronto";
const QuietWindow kNight{21 * 60, 8 * 60};

system_clock::time_point utc(int y, unsigned m, unsigned d, int h, int min) {
  return sys_days{year{y} / month{m} / day{d}} + hours{h} + minutes{min};
}

TEST(QuietHours, ParsesClockTimes) {
  EXPECT_EQ(parse_clock("21:00"), 21 * 60);
  EXPECT_EQ(parse_clock("8:00"), 8 * 60);
  EXPECT_EQ(parse_clock("08:30"), 8 * 60 + 30);
  EXPECT_EQ(parse_clock("0:00"), 0);
  EXPECT_EQ(parse_clock("23:59"), 23 * 60 + 59);
  for (const char* bad : {"24:00", "8", "8:0", "8:60", ":30", "123:00", "8h00", "", "-1:00"}) {
    EXPECT_FALSE(parse_clock(bad)) << bad;
  }
}

TEST(QuietHours, WindowAcrossMidnight) {
  EXPECT_TRUE(in_window(kNight, 21 * 60));
  EXPECT_TRUE(in_window(kNight, 23 * 60 + 59));
  EXPECT_TRUE(in_window(kNight, 0));
  EXPECT_TRUE(in_window(kNight, 7 * 60 + 59));
  EXPECT_FALSE(in_window(kNight, 8 * 60));
  EXPECT_FALSE(in_window(kNight, 20 * 60 + 59));
  EXPECT_FALSE(in_window(kNight, 12 * 60));
}

TEST(QuietHours, WindowWithinADayAndEmptyWindow) {
  const QuietWindow lunch{12 * 60, 13 * 60};
  EXPECT_TRUE(in_window(lunch, 12 * 60 + 30));
  EXPECT_FALSE(in_window(lunch, 13 * 60));
  EXPECT_FALSE(in_window(lunch, 11 * 60));
  EXPECT_FALSE(in_window(QuietWindow{600, 600}, 600));
}

TEST(QuietHours, OutsideTheWindowNothingIsHeld) {
  // 2026-06-05 16:00 UTC is noon in Toronto (UTC-4).
  EXPECT_FALSE(held_until(kNight, utc(2026, 6, 5, 16, 0), kZone));
}

TEST(QuietHours, LateEveningIsHeldUntilEightNextMorning) {
  // 22:30 local on June 5 -> 8:00 local on June 6 = 12:00 UTC.
  const auto until = held_until(kNight, utc(2026, 6, 6, 2, 30), kZone);
  ASSERT_TRUE(until);
  EXPECT_EQ(*until, utc(2026, 6, 6, 12, 0));
}

TEST(QuietHours, EarlyMorningIsHeldUntilEightTheSameDay) {
  // 6:15 local on June 6 -> 8:00 local the same day.
  const auto until = held_until(kNight, utc(2026, 6, 6, 10, 15), kZone);
  ASSERT_TRUE(until);
  EXPECT_EQ(*until, utc(2026, 6, 6, 12, 0));
}

TEST(QuietHours, NightTheClocksGoBack) {
  // 2026-11-01: 2:00 EDT becomes 1:00 EST. At 23:00 EDT on Oct 31 (03:00 UTC Nov 1) the
  // window ends at 8:00 EST = 13:00 UTC.
  const auto until = held_until(kNight, utc(2026, 11, 1, 3, 0), kZone);
  ASSERT_TRUE(until);
  EXPECT_EQ(*until, utc(2026, 11, 1, 13, 0));
}

TEST(QuietHours, NightTheClocksGoForward) {
  // 2026-03-08: 2:00 EST becomes 3:00 EDT. At 23:00 EST on Mar 7 (04:00 UTC Mar 8) the
  // window ends at 8:00 EDT = 12:00 UTC.
  const auto until = held_until(kNight, utc(2026, 3, 8, 4, 0), kZone);
  ASSERT_TRUE(until);
  EXPECT_EQ(*until, utc(2026, 3, 8, 12, 0));
}

}  // namespace
}  // namespace tocsin::schedule
