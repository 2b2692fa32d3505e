// validate_alert's ignore_quiet_hours rule (issue 8, quiet hours): only a special-law threat
// or an emergency assembly may go through quiet hours; another kind asking is refused on
// that field rather than silently held.

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "alerts/alert_validation.h"
#include "alerts/rfc3339.h"

namespace tocsin::alerts {
namespace {

const std::chrono::system_clock::time_point kNow = *parse_rfc3339("2027-06-01T12:00:00-04:00");

Alert valid_alert(AlertKind kind, bool ignore_quiet_hours) {
  Alert alert;
  alert.set_kind(kind);
  alert.set_title("Alerte");
  alert.set_event_time("2027-06-06T07:00:00-04:00");
  alert.set_audience("all");
  alert.set_channels(SMS);
  (*alert.mutable_messages())["fr"].set_sms("Rendez-vous {event_time}. {rsvp_link}");
  alert.set_expires_at("2027-06-06T05:00:00-04:00");
  alert.set_ignore_quiet_hours(ignore_quiet_hours);
  return alert;
}

TEST(AlertsQuietHoursValidation, EmergencyKindsMayIgnoreQuietHours) {
  for (AlertKind kind : {SPECIAL_LAW_THREAT, EMERGENCY_ASSEMBLY}) {
    EXPECT_TRUE(validate_alert(valid_alert(kind, true), kNow).empty()) << AlertKind_Name(kind);
  }
}

TEST(AlertsQuietHoursValidation, OtherKindsAskingAreRefusedOnTheField) {
  for (AlertKind kind : {BANNER_DROP, STRIKE_VOTE, INFORMATION}) {
    const auto problems = validate_alert(valid_alert(kind, true), kNow);
    ASSERT_EQ(problems.size(), 1u) << AlertKind_Name(kind);
    EXPECT_EQ(problems[0].field, "ignore_quiet_hours");
    EXPECT_EQ(problems[0].reason,
              "is allowed only for SPECIAL_LAW_THREAT and EMERGENCY_ASSEMBLY alerts");
  }
}

TEST(AlertsQuietHoursValidation, EveryKindMayKeepQuietHours) {
  for (AlertKind kind :
       {SPECIAL_LAW_THREAT, EMERGENCY_ASSEMBLY, BANNER_DROP, STRIKE_VOTE, INFORMATION}) {
    EXPECT_TRUE(validate_alert(valid_alert(kind, false), kNow).empty()) << AlertKind_Name(kind);
  }
}

}  // namespace
}  // namespace tocsin::alerts
