// What a wave's or a follow-up's child alert takes from its parent, and how waves and
// follow-up requests are checked (alerts/child_alert.h).

#include <gtest/gtest.h>

#include <algorithm>

#include "alerts/alert_validation.h"
#include "alerts/rfc3339.h"
#include "alerts/child_alert.h"
#include "alerts/target_group.h"

namespace tocsin::alerts {
namespace {

Alert parent() {
  Alert alert;
  alert.set_id("abcdefghij012345");
  alert.set_code("A7");
  alert.set_kind(EMERGENCY_ASSEMBLY);
  alert.set_title("Assemblée");
  alert.set_event_time("2030-06-06T10:00:00-04:00");
  alert.set_expires_at("2030-06-06T06:00:00-04:00");
  alert.set_place("Parc Lafontaine");
  alert.set_audience("region:Estrie");
  alert.set_channels(BOTH);
  alert.set_rsvp_yes_no_maybe(true);
  alert.set_car_seats(true);
  alert.set_ignore_quiet_hours(true);
  auto* pickup = alert.add_pickup_points();
  pickup->set_id("SHE");
  pickup->set_name("Carrefour de l'Estrie");
  (*alert.mutable_messages())["fr"].set_sms("{first_name} {code}");
  alert.add_targets()->set_value("Estrie");
  Wave* wave = alert.add_waves();
  wave->set_delay_minutes(45);
  wave->set_target_group("no_answer");
  wave->set_channels(SMS);
  (*wave->mutable_messages())["fr"].set_sms("Rappel {first_name}: autobus {pickup} {code}");
  return alert;
}

std::vector<std::string> fields(const std::vector<alerts::FieldProblem>& problems) {
  std::vector<std::string> names;
  for (const auto& problem : problems) names.push_back(problem.field);
  return names;
}

TEST(EscalationChildAlert, AWaveChildTakesTheEventFromItsParentAndItsTextsFromTheWave) {
  const Alert child = make_wave_child(parent(), 1);
  EXPECT_EQ(child.parent_id(), "abcdefghij012345");
  EXPECT_EQ(child.code(), "A7");  // answers quote the parent's code
  EXPECT_EQ(child.kind(), EMERGENCY_ASSEMBLY);
  EXPECT_EQ(child.event_time(), "2030-06-06T10:00:00-04:00");
  EXPECT_EQ(child.expires_at(), "2030-06-06T06:00:00-04:00");
  EXPECT_EQ(child.place(), "Parc Lafontaine");
  EXPECT_EQ(child.pickup_points_size(), 1);
  EXPECT_TRUE(child.rsvp_yes_no_maybe());
  EXPECT_TRUE(child.car_seats());
  EXPECT_TRUE(child.ignore_quiet_hours());
  EXPECT_EQ(child.channels(), SMS);
  EXPECT_EQ(child.messages().at("fr").sms(), "Rappel {first_name}: autobus {pickup} {code}");
  EXPECT_EQ(child.target_group(), "no_answer");
  EXPECT_EQ(child.wave_index(), 1);
  EXPECT_EQ(child.title(), "Assemblée (relance 1)");
  // Its audience is its group; it neither targets nor escalates.
  EXPECT_TRUE(child.audience().empty());
  EXPECT_EQ(child.targets_size(), 0);
  EXPECT_EQ(child.waves_size(), 0);
}

TEST(EscalationChildAlert, AFollowUpKeepsItsOwnTitleAndGroup) {
  Alert request;
  request.set_title("Changement de lieu");
  request.set_target_group("yes");
  request.set_channels(SMS);
  (*request.mutable_messages())["fr"].set_sms("Nouveau lieu {code}");
  const Alert child = make_followup_child(parent(), request);
  EXPECT_EQ(child.title(), "Changement de lieu");
  EXPECT_EQ(child.target_group(), "yes");
  EXPECT_EQ(child.wave_index(), 0);
  EXPECT_EQ(child.code(), "A7");
  EXPECT_TRUE(validate_followup(parent(), request).empty());
}

TEST(EscalationChildAlert, AFollowUpRequestIsCheckedLikeAnAlertsTexts) {
  Alert request;
  request.set_target_group("oui");
  request.set_channels(EMAIL);
  (*request.mutable_messages())["fr"].set_sms("{lieu}");
  const auto problems = validate_followup(parent(), request);
  EXPECT_EQ(fields(problems),
            (std::vector<std::string>{"target_group", "messages.fr.email_subject",
                                      "messages.fr.email_body", "messages.fr.sms"}));
  EXPECT_NE(problems[0].reason.find("no_answer, yes, maybe, yes_with_bus, seated_unconfirmed, waitlisted or not_delivered"),
            std::string::npos);
  Alert no_group;
  no_group.set_channels(SMS);
  (*no_group.mutable_messages())["fr"].set_sms("x");
  EXPECT_EQ(fields(validate_followup(parent(), no_group)),
            (std::vector<std::string>{"target_group"}));
}

TEST(EscalationChildAlert, WavesAreCheckedWithTheirIndex) {
  Alert alert = parent();
  Wave* both = alert.add_waves();  // waves[1]: a delay and a time
  both->set_delay_minutes(10);
  both->set_at("2030-06-06T05:00:00-04:00");
  both->set_target_group("yes");
  both->set_channels(SMS);
  (*both->mutable_messages())["fr"].set_sms("x");
  Wave* none = alert.add_waves();  // waves[2]: no time, no French, a wrong group
  none->set_target_group("silent");
  none->set_channels(SMS);
  (*none->mutable_messages())["en"].set_sms("x");
  Wave* late = alert.add_waves();  // waves[3]: more than a week, a bad time text
  late->set_delay_minutes(20000);
  late->set_target_group("maybe");
  late->set_channels(SMS);
  (*late->mutable_messages())["fr"].set_sms("{pickup}");
  EXPECT_EQ(fields(validate_waves(alert)),
            (std::vector<std::string>{"waves[1].at", "waves[2].delay_minutes",
                                      "waves[2].target_group", "waves[2].messages",
                                      "waves[3].delay_minutes"}));
  // validate_alert reports them with the alert's own problems.
  const auto all = alerts::validate_alert(alert, *alerts::parse_rfc3339("2030-01-01T00:00:00Z"));
  EXPECT_EQ(std::count_if(all.begin(), all.end(),
                          [](const auto& problem) { return problem.field.starts_with("waves["); }),
            5);
}

// A child's title is listed to officers like an alert's, and its texts are sent: the same
// refusal of control characters, with the wave's index or the follow-up's field.
TEST(EscalationChildAlert, ChildTitlesAndTextsRefuseControlCharacters) {
  Alert alert = parent();
  alert.mutable_waves(0)->set_title("Relance\x1b[2J");
  (*alert.mutable_waves(0)->mutable_messages())["fr"].set_sms(
      std::string("Rappel\n{code}\0fin", 17));
  EXPECT_EQ(
      validate_waves(alert),
      (std::vector<alerts::FieldProblem>{
          {"waves[0].title", "contains a control character (U+001B) at position 8"},
          {"waves[0].messages.fr.sms", "contains a control character (U+0000) at position 14"}}));

  Alert request;
  request.set_target_group("yes");
  request.set_channels(SMS);
  request.set_title("Changement\rde lieu");
  (*request.mutable_messages())["fr"].set_sms("Nouveau lieu :\n{place}");
  EXPECT_EQ(validate_followup(parent(), request),
            (std::vector<alerts::FieldProblem>{
                {"title", "contains a control character (U+000D) at position 11"}}));
}

TEST(EscalationChildAlert, AWavesPickupPlaceholderNeedsTheParentsPickupPoints) {
  Alert alert = parent();
  alert.clear_pickup_points();
  const auto problems = validate_waves(alert);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].field, "waves[0].messages.fr.sms");
  EXPECT_NE(problems[0].reason.find("pickup"), std::string::npos);
}

TEST(EscalationChildAlert, AWaveIsDueAfterItsDelayOrAtItsTime) {
  Wave wave;
  wave.set_delay_minutes(45);
  EXPECT_EQ(wave_due_ms(wave, 1'000'000), 1'000'000 + 45 * 60'000);
  wave.clear_delay_minutes();
  wave.set_at("2030-06-06T05:00:00-04:00");
  EXPECT_EQ(wave_due_ms(wave, 1'000'000), 1'906'966'800'000);
}

TEST(EscalationTargetGroup, KnowsItsGroupsAndWhyAMemberLeftOne) {
  for (const char* group : {"no_answer", "yes", "maybe", "yes_with_bus", "not_delivered"}) {
    EXPECT_TRUE(is_target_group(group)) << group;
  }
  EXPECT_FALSE(is_target_group("no"));
  EXPECT_FALSE(is_target_group(""));
  EXPECT_EQ(left_group_state("no_answer"), "skipped:answered");
  EXPECT_EQ(left_group_state("yes_with_bus"), "skipped:left_group");
}

}  // namespace
}  // namespace tocsin::alerts

namespace tocsin::alerts {
namespace {

Alert with_seat_confirmation() {
  Alert alert = parent();
  alert.mutable_pickup_points(0)->set_buses(2);
  alert.mutable_pickup_points(0)->set_seats_per_bus(56);
  SeatConfirmation* confirmation = alert.mutable_seat_confirmation();
  confirmation->set_ask_at("2030-06-05T09:00:00-04:00");
  confirmation->set_lapse_at("2030-06-05T18:00:00-04:00");
  (*confirmation->mutable_messages())["fr"].set_sms("Réponds OUI {code} pour garder ta place.");
  return alert;
}

TEST(EscalationSeatConfirmation, BecomesAWaveToUnconfirmedSeatsAtAskAtOnceEvenWhenDuplicated) {
  Alert alert = with_seat_confirmation();
  EXPECT_TRUE(validate_seat_confirmation(alert).empty());
  put_seat_confirmation_wave(alert);
  put_seat_confirmation_wave(alert);  // a duplicated alert already carries it: replaced
  ASSERT_EQ(alert.waves_size(), 2);
  const Wave& asking = alert.waves(1);
  EXPECT_EQ(asking.target_group(), "seated_unconfirmed");
  EXPECT_EQ(asking.at(), "2030-06-05T09:00:00-04:00");
  EXPECT_EQ(asking.channels(), SMS);
  EXPECT_EQ(asking.messages().at("fr").sms(), "Réponds OUI {code} pour garder ta place.");
  EXPECT_TRUE(validate_waves(alert).empty());
  alert.clear_seat_confirmation();
  put_seat_confirmation_wave(alert);
  EXPECT_EQ(alert.waves_size(), 1);
}

TEST(EscalationSeatConfirmation, TimesInOrderBeforeTheEventAPickupThatGivesSeatsAndAFrenchText) {
  Alert alert = with_seat_confirmation();
  alert.mutable_seat_confirmation()->set_lapse_at("2030-06-05T08:00:00-04:00");
  alert.mutable_seat_confirmation()->mutable_messages()->erase("fr");
  alert.mutable_pickup_points(0)->set_buses(0);
  EXPECT_EQ(fields(validate_seat_confirmation(alert)),
            (std::vector<std::string>{"seat_confirmation.lapse_at", "seat_confirmation",
                                      "seat_confirmation.messages"}));
  alert = with_seat_confirmation();
  alert.mutable_seat_confirmation()->set_lapse_at("2030-06-06T11:00:00-04:00");
  alert.mutable_seat_confirmation()->set_ask_at("tomorrow");
  EXPECT_EQ(fields(validate_seat_confirmation(alert)),
            (std::vector<std::string>{"seat_confirmation.ask_at", "seat_confirmation.lapse_at"}));
}

TEST(EscalationSeatConfirmation, PickupPointBusesAndSeatsGoTogether) {
  Alert alert = parent();
  alert.mutable_pickup_points(0)->set_buses(2);
  const auto problems = alerts::validate_alert(alert, *alerts::parse_rfc3339("2030-01-01T00:00:00Z"));
  EXPECT_EQ(std::count_if(problems.begin(), problems.end(),
                          [](const auto& problem) {
                            return problem.field == "pickup_points[0].seats_per_bus";
                          }),
            1);
}

}  // namespace
}  // namespace tocsin::alerts
