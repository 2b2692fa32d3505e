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

// A title is printed to other officers' terminals (tocsin alert list): an escape would
// recolour their screen, a line break forge a row. Every free-text field refuses them.
TEST(AlertsValidation, ControlCharactersAreRefusedInFreeText) {
  Alert alert = valid_alert();
  alert.set_title("ab\x1b[31mrouge");
  EXPECT_EQ(problems(alert),
            (std::vector<FieldProblem>{
                {"title", "contains a control character (U+001B) at position 3"}}));

  alert = valid_alert();
  alert.set_title("Assemblée\nA9  sent  Faux");
  alert.set_place(std::string("Québec\0", 8));  // é is two bytes
  alert.mutable_pickup_points(0)->set_name("Gare\x07");
  alert.mutable_pickup_points(0)->set_region("Mont\xc2\x9bréal");
  alert.mutable_targets(0)->set_value("\tMontréal");
  (*alert.mutable_messages())["fr"].set_email_subject("Sujet\r\nBcc: x@example.com");
  EXPECT_EQ(
      problems(alert),
      (std::vector<FieldProblem>{
          {"title", "contains a control character (U+000A) at position 10"},
          {"place", "contains a control character (U+0000) at position 7"},
          {"messages.fr.email_subject", "contains a control character (U+000D) at position 6"},
          {"pickup_points[0].name", "contains a control character (U+0007) at position 5"},
          {"pickup_points[0].region", "contains a control character (U+009B) at position 5"},
          {"targets[0].value", "contains a control character (U+0009) at position 1"}}));
}

TEST(AlertsValidation, MessageTextsMayBreakLinesButHoldNoOtherControl) {
  Alert alert = valid_alert();
  AlertMessage& fr = (*alert.mutable_messages())["fr"];
  fr.set_sms("{first_name},\nrendez-vous {event_time}.\r\n{rsvp_link}");
  fr.set_email_body("Bonjour {first_name},\r\n\r\nÀ demain.\n");
  EXPECT_TRUE(problems(alert).empty());

  fr.set_sms("{first_name}\x1b]8;;http://x\x1b\\ici");
  fr.set_email_body("Bonjour\r{first_name}");
  EXPECT_EQ(
      problems(alert),
      (std::vector<FieldProblem>{
          {"messages.fr.sms", "contains a control character (U+001B) at position 13"},
          {"messages.fr.email_body", "contains a control character (U+000D) at position 8"}}));
}

TEST(AlertsValidation, AnUnknownLanguageIsNamedWithoutItsControlCharacters) {
  Alert alert = valid_alert();
  (*alert.mutable_messages())["e\x1bn"].set_sms("Hi");
  EXPECT_EQ(
      problems(alert),
      (std::vector<FieldProblem>{{"messages.e\\u001bn", "unknown language (\"fr\" or \"en\")"}}));
}

TEST(AlertsValidation, AllProblemsAtOnce) {
  EXPECT_GE(problems(Alert{}).size(), 5u);
}

}  // namespace
}  // namespace tocsin::alerts
