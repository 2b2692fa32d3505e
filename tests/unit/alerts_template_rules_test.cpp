// The template rules (alerts/template_rules.h) and the seeds compiled into the daemon
// (config/alerts/templates/, alerts/template_store.h): every kind has one, each parses, is a
// valid template, carries no event date, and previews like an alert once given one.

#include <gtest/gtest.h>

#include <algorithm>

#include "alerts/preview.h"
#include "alerts/rfc3339.h"
#include "alerts/template_rules.h"
#include "alerts/template_store.h"

namespace tocsin::alerts {
namespace {

const auto kNow = *parse_rfc3339("2027-01-15T09:00:00-05:00");

std::vector<std::string> fields_of(const std::vector<FieldProblem>& problems) {
  std::vector<std::string> fields;
  for (const FieldProblem& problem : problems) fields.push_back(problem.field);
  return fields;
}

TEST(AlertsTemplateRules, KindNamesRoundTrip) {
  EXPECT_EQ(kind_name(EMERGENCY_ASSEMBLY), "emergency-assembly");
  EXPECT_EQ(kind_name(SPECIAL_LAW_THREAT), "special-law-threat");
  for (AlertKind kind : template_kinds()) {
    EXPECT_EQ(parse_kind_name(kind_name(kind)), kind);
    EXPECT_EQ(parse_kind_name(AlertKind_Name(kind)), kind);
  }
  EXPECT_EQ(parse_kind_name("ALERT_KIND_UNSPECIFIED"), std::nullopt);
  EXPECT_EQ(parse_kind_name("alert-kind-unspecified"), std::nullopt);
  EXPECT_EQ(parse_kind_name(""), std::nullopt);
}

TEST(AlertsTemplateRules, UnknownKindSuggestsTheClosest) {
  const std::string text = describe_unknown_kind("banner-dorp");
  EXPECT_NE(text.find("unknown kind \"banner-dorp\": did you mean \"banner-drop\"?"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("strike-vote"), std::string::npos) << text;
}

TEST(AlertsTemplateRules, EventTimeExpiryAndAudienceMayBeEmpty) {
  Alert tmpl;
  tmpl.set_title("Info");
  tmpl.set_channels(SMS);
  (*tmpl.mutable_messages())["fr"].set_sms("{first_name}, info {code}");
  EXPECT_TRUE(validate_template(tmpl, INFORMATION, kNow).empty());
}

TEST(AlertsTemplateRules, WhatIsGivenIsCheckedLikeAnAlert) {
  Alert tmpl;
  tmpl.set_title("");
  tmpl.set_channels(SMS);
  tmpl.set_event_time("demain");
  tmpl.set_expires_at("2026-01-01T00:00:00-05:00");
  (*tmpl.mutable_messages())["fr"].set_sms("{frist_name}, info");
  tmpl.set_ignore_quiet_hours(true);
  const auto fields = fields_of(validate_template(tmpl, INFORMATION, kNow));
  for (const char* field :
       {"title", "event_time", "expires_at", "messages.fr.sms", "ignore_quiet_hours"}) {
    EXPECT_NE(std::find(fields.begin(), fields.end(), field), fields.end()) << field;
  }
}

TEST(AlertsTemplateRules, ItsKindIsTheRoutes) {
  Alert tmpl;
  tmpl.set_kind(BANNER_DROP);
  tmpl.set_title("Info");
  tmpl.set_channels(SMS);
  (*tmpl.mutable_messages())["fr"].set_sms("info");
  EXPECT_EQ(fields_of(validate_template(tmpl, INFORMATION, kNow)),
            std::vector<std::string>{"kind"});
  EXPECT_TRUE(validate_template(tmpl, BANNER_DROP, kNow).empty());
}

TEST(AlertsTemplateSeeds, EveryKindHasAValidSeedWithoutDates) {
  const std::vector<AlertTemplate> seeds = parse_template_seeds();
  ASSERT_EQ(seeds.size(), template_kinds().size());
  for (size_t i = 0; i < seeds.size(); ++i) {
    const Alert& alert = seeds[i].alert();
    SCOPED_TRACE(seeds[i].kind_name());
    EXPECT_EQ(alert.kind(), template_kinds()[i]);
    EXPECT_EQ(seeds[i].kind_name(), kind_name(alert.kind()));
    for (const FieldProblem& problem : validate_template(alert, alert.kind(), kNow)) {
      ADD_FAILURE() << problem.field << ": " << problem.reason;
    }
    EXPECT_TRUE(alert.event_time().empty());
    EXPECT_TRUE(alert.expires_at().empty());
    EXPECT_TRUE(alert.audience().empty());
    for (const PickupPoint& point : alert.pickup_points()) EXPECT_TRUE(point.departs_at().empty());
    for (const Wave& wave : alert.waves()) EXPECT_TRUE(wave.at().empty());
    EXPECT_TRUE(alert.messages().contains("fr"));
    EXPECT_TRUE(alert.messages().contains("en"));
  }
}

// Given an event time, an expiry and an audience, a seed is a valid alert whose SMS fit.
TEST(AlertsTemplateSeeds, BecomeValidAlertsOnceDated) {
  for (AlertTemplate seed : parse_template_seeds()) {
    SCOPED_TRACE(seed.kind_name());
    Alert alert = seed.alert();
    alert.set_event_time("2027-06-06T10:00:00-04:00");
    alert.set_expires_at("2027-06-06T06:00:00-04:00");
    alert.set_audience("all");
    for (const FieldProblem& problem : validate_alert(alert, kNow)) {
      ADD_FAILURE() << problem.field << ": " << problem.reason;
    }
    const AlertPreview preview = make_preview(
        alert, {.sms = {{"fr", 10}, {"en", 10}}, .email = {{"fr", 10}}}, {}, "America/Toronto");
    for (const AlertSmsPreview& sms : preview.sms()) EXPECT_LE(sms.segments(), 3) << sms.text();
  }
}

}  // namespace
}  // namespace tocsin::alerts
