// The engine's quiet hours (dispatch/quiet_hold.h): which alert kinds and channels a window
// holds, until when, the emergencies that may go through, overlapping windows, and the
// local time read again at each new second. America/Toronto in June is UTC-4.

#include "dispatch/quiet_hold.h"

#include <gtest/gtest.h>

#include <chrono>
#include <initializer_list>
#include <string>

#include "proto/config.pb.h"
#include "proto/tocsin.pb.h"

namespace tocsin::dispatch {
namespace {

using namespace std::chrono;

// Unix ms of a UTC time in June 2026.
int64_t june_utc(unsigned d, int h) {
  const auto at = sys_days{year{2026} / June / day{d}} + hours{h};
  return duration_cast<milliseconds>(at.time_since_epoch()).count();
}

void add_window(config::Config& config, std::initializer_list<AlertKind> kinds, Channel channels,
                const std::string& start, const std::string& end) {
  auto* window = config.mutable_alerts()->add_quiet_hours();
  for (AlertKind kind : kinds) window->add_kinds(kind);
  window->set_channels(channels);
  window->set_start(start);
  window->set_end(end);
}

config::Config toronto() {
  config::Config config;
  config.set_time_zone("America/Toronto");
  return config;
}

Alert alert_of(AlertKind kind, bool ignore_quiet_hours = false) {
  Alert alert;
  alert.set_kind(kind);
  alert.set_ignore_quiet_hours(ignore_quiet_hours);
  return alert;
}

// 23:00 in Toronto on June 5, and 08:00 the next morning.
const int64_t kNight = june_utc(6, 3);
const int64_t kMorning = june_utc(6, 12);

TEST(DispatchQuietHold, WithoutWindowsNothingIsHeld) {
  QuietHold hold(toronto());
  EXPECT_FALSE(hold.until(alert_of(INFORMATION), "sms", kNight));
}

TEST(DispatchQuietHold, AnSmsOfAHeldKindAtNightWaitsUntilTheWindowEnds) {
  auto config = toronto();
  add_window(config, {INFORMATION}, SMS, "21:00", "8:00");
  QuietHold hold(config);
  EXPECT_EQ(hold.until(alert_of(INFORMATION), "sms", kNight), kMorning);
}

TEST(DispatchQuietHold, OutsideTheWindowNothingIsHeld) {
  auto config = toronto();
  add_window(config, {INFORMATION}, SMS, "21:00", "8:00");
  QuietHold hold(config);
  EXPECT_FALSE(hold.until(alert_of(INFORMATION), "sms", june_utc(5, 16)));  // noon
}

TEST(DispatchQuietHold, OnlyTheWindowsChannelsAndKindsAreHeld) {
  auto config = toronto();
  add_window(config, {INFORMATION}, SMS, "21:00", "8:00");
  QuietHold hold(config);
  EXPECT_FALSE(hold.until(alert_of(INFORMATION), "email", kNight));
  EXPECT_FALSE(hold.until(alert_of(STRIKE_VOTE), "sms", kNight));

  auto both = toronto();
  add_window(both, {INFORMATION, STRIKE_VOTE}, BOTH, "21:00", "8:00");
  QuietHold both_hold(both);
  EXPECT_EQ(both_hold.until(alert_of(STRIKE_VOTE), "email", kNight), kMorning);
  EXPECT_EQ(both_hold.until(alert_of(INFORMATION), "sms", kNight), kMorning);
}

TEST(DispatchQuietHold, OnlyTheEmergencyKindsMayGoThroughWithTheirFlag) {
  auto config = toronto();
  add_window(config, {INFORMATION, SPECIAL_LAW_THREAT, EMERGENCY_ASSEMBLY}, SMS, "21:00",
             "8:00");
  QuietHold hold(config);
  EXPECT_FALSE(hold.until(alert_of(SPECIAL_LAW_THREAT, true), "sms", kNight));
  EXPECT_FALSE(hold.until(alert_of(EMERGENCY_ASSEMBLY, true), "sms", kNight));
  EXPECT_EQ(hold.until(alert_of(EMERGENCY_ASSEMBLY, false), "sms", kNight), kMorning);
  // The flag on another kind (refused at creation; an older record) changes nothing.
  EXPECT_EQ(hold.until(alert_of(INFORMATION, true), "sms", kNight), kMorning);
}

TEST(DispatchQuietHold, OverlappingWindowsWaitForTheLastToEnd) {
  auto config = toronto();
  add_window(config, {INFORMATION}, SMS, "21:00", "7:00");
  add_window(config, {INFORMATION}, BOTH, "22:00", "8:00");
  QuietHold hold(config);
  EXPECT_EQ(hold.until(alert_of(INFORMATION), "sms", kNight), kMorning);
}

TEST(DispatchQuietHold, TheTimeIsReadAgainAtEachNewSecond) {
  auto config = toronto();
  add_window(config, {INFORMATION}, SMS, "21:00", "8:00");
  QuietHold hold(config);
  const int64_t last_second = kMorning - 1000;
  EXPECT_EQ(hold.until(alert_of(INFORMATION), "sms", last_second), kMorning);
  // Within the same second: the window read at its start still holds.
  EXPECT_EQ(hold.until(alert_of(INFORMATION), "sms", last_second + 999), kMorning);
  EXPECT_FALSE(hold.until(alert_of(INFORMATION), "sms", kMorning));
}

}  // namespace
}  // namespace tocsin::dispatch
