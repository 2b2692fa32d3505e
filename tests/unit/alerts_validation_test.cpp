// Every rule of validate_alert, one test each, starting from an alert that passes.

#include "alerts/alert_validation.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "alerts/rfc3339.h"

namespace tocsin::alerts {
namespace {

using namespace std::chrono;

const system_clock::time_point kNow = *parse_rfc3339("2027-06-01T12:00:00-04:00");

Alert valid_alert() {
  Alert alert;
  alert.set_kind(EMERGENCY_ASSEMBLY);
  alert.set_title("Assemblée d'urgence à Québec");
  alert.set_event_time("2027-06-06T07:00:00-04:00");
  alert.set_place("Assemblée nationale");
  alert.set_audience("all");
  alert.set_channels(BOTH);
  AlertMessage& fr = (*alert.mutable_messages())["fr"];
  fr.set_sms("{first_name}, rendez-vous {event_time} : {place}. Bus : {pickup}. {rsvp_link}");
  fr.set_email_subject("Assemblée d'urgence {code}");
  fr.set_email_body("Bonjour {first_name},\n\nRendez-vous {event_time}.");
  alert.set_expires_at("2027-06-06T05:00:00-04:00");
  PickupPoint* point = alert.add_pickup_points();
  point->set_id("MTL");
  point->set_name("Gare d'autocars de Montréal");
  point->set_region("Montréal");
  point->set_bus_capacity(56);
  point->set_departs_at("2027-06-06T04:30:00-04:00");
  TurnoutTarget* target = alert.add_targets();
  target->set_dimension("region");
  target->set_value("Montréal");
  target->set_target(400);
  return alert;
}

std::vector<FieldProblem> problems(const Alert& alert) {
  return validate_alert(alert, kNow);
}

TEST(AlertsValidation, ValidAlertHasNoProblem) {
  EXPECT_TRUE(problems(valid_alert()).empty());
}

TEST(AlertsValidation, KindIsRequired) {
  Alert alert = valid_alert();
  alert.set_kind(ALERT_KIND_UNSPECIFIED);
  EXPECT_EQ(problems(alert), (std::vector<FieldProblem>{{"kind", "is required"}}));
}

TEST(AlertsValidation, TitleLength) {
  Alert alert = valid_alert();
  alert.set_title("");
  EXPECT_EQ(problems(alert), (std::vector<FieldProblem>{{"title", "is required"}}));
  alert.set_title("   ");
  EXPECT_EQ(problems(alert), (std::vector<FieldProblem>{{"title", "is required"}}));
  alert.set_title("A");
  EXPECT_TRUE(problems(alert).empty());
  // Characters, not bytes: 120 'é' are 240 bytes and still fit.
  std::string title;
  for (int i = 0; i < 120; ++i) title += "é";
  alert.set_title(title);
  EXPECT_TRUE(problems(alert).empty());
  alert.set_title(title + "e");
  EXPECT_EQ(problems(alert),
            (std::vector<FieldProblem>{{"title", "is longer than 120 characters"}}));
}

TEST(AlertsValidation, AudienceIsRequired) {
  Alert alert = valid_alert();
  alert.set_audience(" ");
  EXPECT_EQ(problems(alert), (std::vector<FieldProblem>{{"audience", "is required"}}));
}

TEST(AlertsValidation, AChannelIsRequired) {
  Alert alert = valid_alert();
  alert.set_channels(CHANNEL_UNSPECIFIED);
  EXPECT_EQ(problems(alert),
            (std::vector<FieldProblem>{{"channels", "choose SMS, EMAIL or BOTH"}}));
}

TEST(AlertsValidation, FrenchMessageIsRequired) {
  Alert alert = valid_alert();
  const AlertMessage fr = alert.messages().at("fr");
  alert.mutable_messages()->erase("fr");
  (*alert.mutable_messages())["en"] = fr;
  EXPECT_EQ(problems(alert),
            (std::vector<FieldProblem>{{"messages", "a French (\"fr\") message is required"}}));
}

TEST(AlertsValidation, EnglishIsOptionalButCompleteWhenGiven) {
  Alert alert = valid_alert();
  (*alert.mutable_messages())["en"].set_sms("{first_name}: {event_time}, {place}.");
  EXPECT_EQ(problems(alert),
            (std::vector<FieldProblem>{{"messages.en.email_subject", "is required"},
                                       {"messages.en.email_body", "is required"}}));
  alert.set_channels(SMS);
  EXPECT_TRUE(problems(alert).empty());
}

TEST(AlertsValidation, UnknownLanguage) {
  Alert alert = valid_alert();
  (*alert.mutable_messages())["es"] = alert.messages().at("fr");
  EXPECT_EQ(problems(alert),
            (std::vector<FieldProblem>{{"messages.es", "unknown language (\"fr\" or \"en\")"}}));
}

TEST(AlertsValidation, EachChosenChannelNeedsItsText) {
  Alert alert = valid_alert();
  alert.mutable_messages()->at("fr").clear_sms();
  EXPECT_EQ(problems(alert), (std::vector<FieldProblem>{{"messages.fr.sms", "is required"}}));
  alert.set_channels(EMAIL);
  EXPECT_TRUE(problems(alert).empty());

  alert = valid_alert();
  alert.mutable_messages()->at("fr").clear_email_subject();
  alert.mutable_messages()->at("fr").clear_email_body();
  EXPECT_EQ(problems(alert),
            (std::vector<FieldProblem>{{"messages.fr.email_subject", "is required"},
                                       {"messages.fr.email_body", "is required"}}));
  alert.set_channels(SMS);
  EXPECT_TRUE(problems(alert).empty());
}

TEST(AlertsValidation, SmsTemplateLength) {
  Alert alert = valid_alert();
  std::string sms;
  for (int i = 0; i < 1600; ++i) sms += "ê";
  alert.mutable_messages()->at("fr").set_sms(sms);
  EXPECT_TRUE(problems(alert).empty());
  alert.mutable_messages()->at("fr").set_sms(sms + "!");
  EXPECT_EQ(problems(alert),
            (std::vector<FieldProblem>{{"messages.fr.sms", "is longer than 1600 characters"}}));
}

TEST(AlertsValidation, UnknownPlaceholders) {
  Alert alert = valid_alert();
  alert.mutable_messages()->at("fr").set_sms("{frist_name}, {frist_name} {Place} {{ok}} {code}");
  alert.mutable_messages()->at("fr").set_email_body("{lien}");
  EXPECT_EQ(problems(alert),
            (std::vector<FieldProblem>{{"messages.fr.sms", "unknown placeholder {frist_name}"},
                                       {"messages.fr.sms", "unknown placeholder {Place}"},
                                       {"messages.fr.email_body", "unknown placeholder {lien}"}}));
}

TEST(AlertsValidation, UnknownPlaceholderInUnchosenChannelStillReported) {
  Alert alert = valid_alert();
  alert.set_channels(SMS);
  alert.mutable_messages()->at("fr").set_email_subject("{sujet}");
  EXPECT_EQ(
      problems(alert),
      (std::vector<FieldProblem>{{"messages.fr.email_subject", "unknown placeholder {sujet}"}}));
}

TEST(AlertsValidation, PickupPlaceholderNeedsPickupPoints) {
  Alert alert = valid_alert();
  alert.clear_pickup_points();
  EXPECT_EQ(
      problems(alert),
      (std::vector<FieldProblem>{{"messages.fr.sms", "{pickup} needs at least one pickup point"}}));
}

TEST(AlertsValidation, TimesMustBeRfc3339) {
  Alert alert = valid_alert();
  alert.set_event_time("2027-06-06 07:00");
  alert.set_expires_at("");
  EXPECT_EQ(problems(alert),
            (std::vector<FieldProblem>{
                {"event_time", "is not an RFC 3339 time like 2027-06-06T07:00:00-04:00"},
                {"expires_at", "is required"}}));
  alert = valid_alert();
  alert.set_event_time("");
  alert.set_expires_at("2027-06-06T05:00:00");  // no offset
  EXPECT_EQ(problems(alert),
            (std::vector<FieldProblem>{
                {"event_time", "is required"},
                {"expires_at", "is not an RFC 3339 time like 2027-06-06T07:00:00-04:00"}}));
}

TEST(AlertsValidation, ExpiryMustBeInTheFuture) {
  Alert alert = valid_alert();
  alert.set_expires_at("2027-06-01T12:00:00-04:00");  // exactly now
  EXPECT_EQ(problems(alert),
            (std::vector<FieldProblem>{{"expires_at", "is in the past: nothing would be sent"}}));
  alert.set_expires_at("2027-06-01T15:59:00Z");  // a minute ago, written in UTC
  EXPECT_EQ(problems(alert).size(), 1u);
  alert.set_expires_at("2027-06-01T16:01:00Z");
  EXPECT_TRUE(problems(alert).empty());
}

TEST(AlertsValidation, PickupPoints) {
  Alert alert = valid_alert();
  PickupPoint* copy = alert.add_pickup_points();
  *copy = alert.pickup_points(0);
  copy->set_bus_capacity(-1);
  PickupPoint* blank = alert.add_pickup_points();
  blank->set_departs_at("demain");
  EXPECT_EQ(problems(alert), (std::vector<FieldProblem>{
                                 {"pickup_points[1].id", "duplicate id \"MTL\""},
                                 {"pickup_points[1].bus_capacity", "must not be negative"},
                                 {"pickup_points[2].id", "is required"},
                                 {"pickup_points[2].name", "is required"},
                                 {"pickup_points[2].departs_at",
                                  "is not an RFC 3339 time like 2027-06-06T05:30:00-04:00"}}));
}

TEST(AlertsValidation, ZeroCapacityAndUnknownDepartureAreFine) {
  Alert alert = valid_alert();
  alert.mutable_pickup_points(0)->set_bus_capacity(0);
  alert.mutable_pickup_points(0)->clear_departs_at();
  EXPECT_TRUE(problems(alert).empty());
}

TEST(AlertsValidation, Targets) {
  Alert alert = valid_alert();
  TurnoutTarget* bad = alert.add_targets();
  bad->set_dimension("regoin");
  bad->set_target(-5);
  EXPECT_EQ(problems(alert),
            (std::vector<FieldProblem>{
                {"targets[1].dimension", "must be \"region\", \"local\" or \"sector\""},
                {"targets[1].value", "is required"},
                {"targets[1].target", "must not be negative"}}));
}

TEST(AlertsValidation, AllProblemsAtOnce) {
  EXPECT_GE(problems(Alert{}).size(), 5u);
}

}  // namespace
}  // namespace tocsin::alerts
