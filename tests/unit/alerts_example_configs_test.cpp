// The example alerts in config/alerts/ (used by the README's walkthrough) parse as
// tocsin.Alert text format, pass validation, name a valid audience, and preview as expected.

#include <google/protobuf/text_format.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "alerts/alert_validation.h"
#include "alerts/preview.h"
#include "alerts/rfc3339.h"
#include "members/audience.h"

namespace tocsin::alerts {
namespace {

Alert load(const std::string& name) {
  const std::string path = std::string(TOCSIN_SOURCE_DIR) + "/config/alerts/" + name;
  std::ifstream in(path);
  EXPECT_TRUE(in) << path;
  std::stringstream text;
  text << in.rdbuf();
  Alert alert;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text.str(), &alert)) << path;
  return alert;
}

// Before any of the examples' events (all in 2027).
const auto kNow = *parse_rfc3339("2027-01-15T09:00:00-05:00");

void expect_valid(const Alert& alert) {
  for (const FieldProblem& problem : validate_alert(alert, kNow)) {
    ADD_FAILURE() << problem.field << ": " << problem.reason;
  }
  std::string error;
  EXPECT_TRUE(members::parse_audience(alert.audience(), &error)) << error;
}

TEST(AlertsExampleConfigs, EmergencyAssembly) {
  const Alert alert = load("emergency-assembly.textpb");
  expect_valid(alert);
  EXPECT_EQ(alert.kind(), EMERGENCY_ASSEMBLY);
  EXPECT_EQ(alert.channels(), BOTH);
  EXPECT_EQ(alert.pickup_points_size(), 3);
  EXPECT_EQ(alert.targets_size(), 3);
  EXPECT_TRUE(alert.messages().contains("fr"));
  EXPECT_TRUE(alert.messages().contains("en"));

  const AlertPreview preview = make_preview(
      alert, {.sms = {{"fr", 900}, {"en", 100}}, .email = {{"fr", 700}}}, {}, "America/Toronto");
  ASSERT_EQ(preview.sms_size(), 2);
  for (const AlertSmsPreview& sms : preview.sms()) {
    EXPECT_EQ(sms.encoding(), "gsm7") << sms.text();
    EXPECT_LE(sms.segments(), 2) << sms.text();
  }
  EXPECT_NE(preview.sms(1).text().find("dimanche 6 juin, 10 h 00"), std::string::npos);
  EXPECT_NE(preview.sms(0).text().find("Sunday, June 6, 10:00 a.m."), std::string::npos);

  // A reminder, an email to those the SMS missed, and the bus details on the morning.
  ASSERT_EQ(alert.waves_size(), 3);
  EXPECT_EQ(alert.waves(0).target_group(), "no_answer");
  EXPECT_EQ(alert.waves(1).target_group(), "not_delivered");
  EXPECT_EQ(alert.waves(2).target_group(), "yes_with_bus");
  EXPECT_LT(*parse_rfc3339(alert.waves(2).at()), *parse_rfc3339(alert.expires_at()));
}

TEST(AlertsExampleConfigs, BannerDrop) {
  const Alert alert = load("banner-drop.textpb");
  expect_valid(alert);
  EXPECT_EQ(alert.kind(), BANNER_DROP);
  EXPECT_EQ(alert.audience(), "tag:mob-unit");
  EXPECT_EQ(alert.channels(), SMS);
}

TEST(AlertsExampleConfigs, SpecialLawThreat) {
  const Alert alert = load("special-law-threat.textpb");
  expect_valid(alert);
  EXPECT_EQ(alert.kind(), SPECIAL_LAW_THREAT);
  EXPECT_EQ(alert.audience(), "all");
  EXPECT_EQ(alert.channels(), BOTH);
}

}  // namespace
}  // namespace tocsin::alerts
