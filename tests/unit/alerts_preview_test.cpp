// The preview: sample texts per language, the GSM-friendly rewrite before measuring,
// recipients with the French fallback, cost and time to finish.

#include "alerts/preview.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace tocsin::alerts {
namespace {

const std::string kZone = "America/Toronto";

// A realistic French SMS: ê, Ê and â are outside GSM-7 and force UCS-2 unless folded.
Alert french_alert(bool fold_accents) {
  Alert alert;
  alert.set_id("al-1");
  alert.set_code("A7");
  alert.set_kind(EMERGENCY_ASSEMBLY);
  alert.set_event_time("2027-06-06T07:00:00-04:00");
  alert.set_place("l'Assemblée nationale");
  alert.set_channels(SMS);
  alert.set_fold_accents(fold_accents);
  (*alert.mutable_messages())["fr"].set_sms(
      "{first_name}, la loi spéciale arrive : assemblée d'urgence {event_time} devant "
      "{place}. Même si tu es en congé, sois là ! Bus : {pickup}. Réponds OUI {code} ou "
      "va sur {rsvp_link}");
  PickupPoint* point = alert.add_pickup_points();
  point->set_id("SHE");
  point->set_name("Carrefour de l'Estrie, Sherbrooke");
  point->set_departs_at("2027-06-06T04:30:00-04:00");
  return alert;
}

TEST(AlertsPreview, RendersTheSampleExactly) {
  const AlertPreview preview = make_preview(french_alert(false), {}, {}, kZone);
  ASSERT_EQ(preview.sms_size(), 1);
  EXPECT_EQ(preview.alert_id(), "al-1");
  EXPECT_EQ(preview.sms(0).language(), "fr");
  EXPECT_EQ(preview.sms(0).text(),
            "Marie, la loi spéciale arrive : assemblée d'urgence dimanche 6 juin, 7 h 00 devant "
            "l'Assemblée nationale. Même si tu es en congé, sois là ! Bus : Carrefour de "
            "l'Estrie, Sherbrooke, 4 h 30. Réponds OUI A7 ou va sur "
                "https://tocsin.example/r/A7.xxxxxxxxxx");
  EXPECT_EQ(preview.email_size(), 0);
}

TEST(AlertsPreview, TheSampleLinkIsAsLongAsTheMembersLinks) {
  const AlertPreview preview =
      make_preview(french_alert(false), {}, {}, kZone, "https://mobilisation.syndicat.qc.ca");
  EXPECT_THAT(preview.sms(0).text(),
              ::testing::EndsWith("https://mobilisation.syndicat.qc.ca/r/A7.xxxxxxxxxx"));
}

TEST(AlertsPreview, FoldingAccentsCostsFewerSegments) {
  const AlertPreview plain = make_preview(french_alert(false), {.sms = {{"fr", 1000}}}, {}, kZone);
  const AlertPreview folded = make_preview(french_alert(true), {.sms = {{"fr", 1000}}}, {}, kZone);
  ASSERT_EQ(plain.sms_size(), 1);
  ASSERT_EQ(folded.sms_size(), 1);

  EXPECT_EQ(plain.sms(0).encoding(), "ucs2");
  EXPECT_EQ(plain.sms(0).segments(), 4);  // 230-odd UTF-16 units, 67 a part
  ASSERT_EQ(plain.sms(0).non_gsm_characters_size(), 1);
  EXPECT_EQ(plain.sms(0).non_gsm_characters(0), "ê");

  EXPECT_EQ(folded.sms(0).encoding(), "gsm7");
  EXPECT_EQ(folded.sms(0).segments(), 2);
  EXPECT_EQ(folded.sms(0).non_gsm_characters_size(), 0);
  // é and à are in GSM-7 and stay; ê becomes e.
  EXPECT_NE(folded.sms(0).text().find("Meme si tu es en congé, sois là"), std::string::npos);

  EXPECT_LT(folded.sms_segments(), plain.sms_segments());
  EXPECT_EQ(plain.sms_segments(), 4000);
  EXPECT_EQ(folded.sms_segments(), 2000);
  EXPECT_DOUBLE_EQ(plain.estimated_cost_cents(), 4000 * 0.79);
  EXPECT_DOUBLE_EQ(folded.estimated_cost_cents(), 2000 * 0.79);
}

TEST(AlertsPreview, TypographyIsAlwaysRewritten) {
  // The sender sends what make_gsm_friendly returns even without fold_accents, so a curly
  // apostrophe never forces UCS-2.
  Alert alert = french_alert(false);
  alert.mutable_messages()->at("fr").set_sms("Grève d’avertissement {code}");
  const AlertPreview preview = make_preview(alert, {}, {}, kZone);
  EXPECT_EQ(preview.sms(0).text(), "Grève d'avertissement A7");
  EXPECT_EQ(preview.sms(0).encoding(), "gsm7");
  EXPECT_EQ(preview.sms(0).segments(), 1);
  EXPECT_EQ(preview.sms(0).units(), 24);
}

Alert bilingual_alert() {
  Alert alert = french_alert(true);
  alert.set_channels(BOTH);
  AlertMessage& fr = alert.mutable_messages()->at("fr");
  fr.set_email_subject("Assemblée d'urgence {code}");
  fr.set_email_body("Bonjour {first_name}, rendez-vous {event_time}.");
  AlertMessage& en = (*alert.mutable_messages())["en"];
  en.set_sms("{first_name}: emergency assembly {event_time} at {place}. Reply YES {code}");
  en.set_email_subject("Emergency assembly {code}");
  en.set_email_body("Hi {first_name}, see you {event_time}");
  return alert;
}

TEST(AlertsPreview, BothChannelsBothLanguages) {
  const AlertPreview preview = make_preview(bilingual_alert(), {}, {}, kZone);
  ASSERT_EQ(preview.sms_size(), 2);
  EXPECT_EQ(preview.sms(0).language(), "en");
  EXPECT_EQ(preview.sms(0).text(),
            "Alex: emergency assembly Sunday, June 6, 7:00 a.m. at l'Assemblée nationale. Reply "
            "YES A7");
  EXPECT_EQ(preview.sms(1).language(), "fr");
  ASSERT_EQ(preview.email_size(), 2);
  EXPECT_EQ(preview.email(0).subject(), "Emergency assembly A7");
  EXPECT_EQ(preview.email(0).body(), "Hi Alex, see you Sunday, June 6, 7:00 a.m.");
  EXPECT_EQ(preview.email(1).body(), "Bonjour Marie, rendez-vous dimanche 6 juin, 7 h 00.");
}

TEST(AlertsPreview, CostAndTimeWithFrenchFallback) {
  const Alert alert = bilingual_alert();
  const AudienceBreakdown counts{.sms = {{"fr", 1000}, {"en", 200}, {"es", 5}},
                                 .email = {{"fr", 800}, {"en", 100}}};
  const PricingConfig pricing{.sms_cents_per_segment = 0.79,
                              .email_cents = 0.01,
                              .sms_segments_per_second = 10,
                              .emails_per_second = 50};
  const AlertPreview preview = make_preview(alert, counts, pricing, kZone);
  ASSERT_EQ(preview.sms_size(), 2);
  const int64_t en_segments = preview.sms(0).segments();
  const int64_t fr_segments = preview.sms(1).segments();
  EXPECT_EQ(en_segments, 1);
  EXPECT_EQ(fr_segments, 2);

  // The Spanish speakers get the French text.
  ASSERT_EQ(preview.recipients_size(), 4);
  EXPECT_EQ(preview.recipients(0).channel(), "sms");
  EXPECT_EQ(preview.recipients(0).language(), "en");
  EXPECT_EQ(preview.recipients(0).recipients(), 200);
  EXPECT_EQ(preview.recipients(1).language(), "fr");
  EXPECT_EQ(preview.recipients(1).recipients(), 1005);
  EXPECT_EQ(preview.recipients(2).channel(), "email");
  EXPECT_EQ(preview.recipients(3).recipients(), 800);

  EXPECT_EQ(preview.sms_recipients(), 1205);
  EXPECT_EQ(preview.email_recipients(), 900);
  const int64_t segments = 200 * en_segments + 1005 * fr_segments;
  EXPECT_EQ(preview.sms_segments(), segments);
  EXPECT_DOUBLE_EQ(preview.estimated_cost_cents(), segments * 0.79 + 900 * 0.01);
  // SMS is the slower channel: 2,210 segments at 10/s against 900 emails at 50/s.
  EXPECT_DOUBLE_EQ(preview.estimated_seconds(), segments / 10.0);
  EXPECT_GT(preview.estimated_seconds(), 900 / 50.0);
}

TEST(AlertsPreview, UnchosenChannelIsNotCounted) {
  Alert alert = bilingual_alert();
  alert.set_channels(EMAIL);
  const AlertPreview preview =
      make_preview(alert, {.sms = {{"fr", 1000}}, .email = {{"fr", 100}}}, {}, kZone);
  EXPECT_EQ(preview.sms_size(), 0);
  EXPECT_EQ(preview.sms_recipients(), 0);
  EXPECT_EQ(preview.email_recipients(), 100);
  EXPECT_DOUBLE_EQ(preview.estimated_cost_cents(), 100 * 0.01);
  EXPECT_DOUBLE_EQ(preview.estimated_seconds(), 2.0);
}

TEST(AlertsPreview, PickupSampleIsTheLongestPoint) {
  Alert alert = french_alert(false);
  alert.mutable_messages()->at("fr").set_sms("{pickup}");
  PickupPoint* longer = alert.add_pickup_points();
  longer->set_id("QC");
  longer->set_name("Terminus Sainte-Foy, boulevard Laurier, quai 4");  // no departure time
  EXPECT_EQ(make_preview(alert, {}, {}, kZone).sms(0).text(),
            "Terminus Sainte-Foy, boulevard Laurier, quai 4");
}

TEST(AlertsPreview, DescribePickup) {
  PickupPoint point;
  point.set_name("Terminus Longueuil");
  EXPECT_EQ(describe_pickup(point, "fr", kZone), "Terminus Longueuil");
  point.set_departs_at("2027-06-06T05:30:00-04:00");
  EXPECT_EQ(describe_pickup(point, "fr", kZone), "Terminus Longueuil, 5 h 30");
  EXPECT_EQ(describe_pickup(point, "en", kZone), "Terminus Longueuil, 5:30 a.m.");
}

TEST(AlertsPreview, ZeroRateLeavesTheChannelOutOfTheTime) {
  const AlertPreview preview = make_preview(french_alert(true), {.sms = {{"fr", 10}}},
                                            {.sms_segments_per_second = 0}, kZone);
  EXPECT_EQ(preview.sms_segments(), 20);
  EXPECT_DOUBLE_EQ(preview.estimated_seconds(), 0);
}

TEST(AlertsPreview, WarnsOnlyOfTargetsLargerThanTheirAudience) {
  Alert alert;
  auto add = [&](const char* dimension, const char* value, int wanted) {
    TurnoutTarget* target = alert.add_targets();
    target->set_dimension(dimension);
    target->set_value(value);
    target->set_target(wanted);
  };
  add("region", "Estrie", 30);     // exactly reachable
  add("local", "L-301", 31);       // one short
  add("sector", "Transport", 1);   // nobody there
  EXPECT_THAT(target_warnings(alert, {30, 30, 0}),
              ::testing::ElementsAre(
                  "targets[1]: 31 yes wanted from local \"L-301\", but the audience has 30 "
                  "members there",
                  "targets[2]: 1 yes wanted from sector \"Transport\", but no member of the "
                  "audience has that sector"));
  EXPECT_THAT(target_warnings(alert, {30, 1, 5}),
              ::testing::ElementsAre("targets[1]: 31 yes wanted from local \"L-301\", but the "
                                     "audience has 1 member there"));
}

}  // namespace
}  // namespace tocsin::alerts
