// validate_alert's send_at rule (issue 8, scheduled sends): empty or an RFC 3339 time
// before both expires_at and event_time; a time already past is fine (:send sends at once).

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "alerts/alert_validation.h"
#include "alerts/rfc3339.h"

namespace tocsin::alerts {
namespace {

const std::chrono::system_clock::time_point kNow = *parse_rfc3339("2027-06-01T12:00:00-04:00");

// Passes validation; the event at 07:00, expiring at 05:00 on the day.
Alert valid_alert() {
  Alert alert;
  alert.set_kind(EMERGENCY_ASSEMBLY);
  alert.set_title("Assemblée d'urgence");
  alert.set_event_time("2027-06-06T07:00:00-04:00");
  alert.set_audience("all");
  alert.set_channels(SMS);
  (*alert.mutable_messages())["fr"].set_sms("Rendez-vous {event_time}. {rsvp_link}");
  alert.set_expires_at("2027-06-06T05:00:00-04:00");
  return alert;
}

std::vector<FieldProblem> problems_with_send_at(const std::string& send_at) {
  Alert alert = valid_alert();
  alert.set_send_at(send_at);
  return validate_alert(alert, kNow);
}

using Problems = std::vector<FieldProblem>;

TEST(AlertsSendAtValidation, EmptyMeansSendAtSendTime) {
  EXPECT_TRUE(problems_with_send_at("").empty());
}

TEST(AlertsSendAtValidation, AFutureTimeBeforeExpiryAndEventIsFine) {
  EXPECT_TRUE(problems_with_send_at("2027-06-05T06:00:00-04:00").empty());
  // Another offset, the same instant rules: 08:59 UTC is 04:59 in Montréal.
  EXPECT_TRUE(problems_with_send_at("2027-06-06T08:59:00Z").empty());
}

TEST(AlertsSendAtValidation, APastTimeIsFine) {
  EXPECT_TRUE(problems_with_send_at("2027-05-01T06:00:00-04:00").empty());
}

TEST(AlertsSendAtValidation, MustParse) {
  const Problems expected{{"send_at", "is not an RFC 3339 time like 2027-06-06T06:00:00-04:00"}};
  EXPECT_EQ(problems_with_send_at("2027-06-05 06:00"), expected);
  EXPECT_EQ(problems_with_send_at("2027-06-05T06:00:00"), expected);  // no offset
  EXPECT_EQ(problems_with_send_at("lundi 6 h"), expected);
}

TEST(AlertsSendAtValidation, MustBeBeforeExpiry) {
  const Problems expected{{"send_at", "is not before expires_at: nothing would be sent"}};
  EXPECT_EQ(problems_with_send_at("2027-06-06T05:00:00-04:00"), expected);
  EXPECT_EQ(problems_with_send_at("2027-06-06T06:00:00-04:00"), expected);
  EXPECT_TRUE(problems_with_send_at("2027-06-06T04:59:59-04:00").empty());
}

TEST(AlertsSendAtValidation, MustBeBeforeTheEvent) {
  Alert alert = valid_alert();
  alert.set_expires_at("2027-06-06T09:00:00-04:00");  // expiry after the event
  alert.set_send_at("2027-06-06T07:00:00-04:00");
  EXPECT_EQ(validate_alert(alert, kNow),
            (Problems{{"send_at", "is not before event_time: the event would have started"}}));
  alert.set_send_at("2027-06-06T06:30:00-04:00");
  EXPECT_TRUE(validate_alert(alert, kNow).empty());
}

TEST(AlertsSendAtValidation, AfterBothSaysBoth) {
  EXPECT_EQ(problems_with_send_at("2027-06-07T06:00:00-04:00"),
            (Problems{{"send_at", "is not before expires_at: nothing would be sent"},
                      {"send_at", "is not before event_time: the event would have started"}}));
}

}  // namespace
}  // namespace tocsin::alerts
