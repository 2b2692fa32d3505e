#include "replies/confirmation_text.h"

#include <gtest/gtest.h>

#include "alerts/sms_encoding.h"

namespace tocsin::replies {
namespace {

ConfirmationFacts rsvp(std::string language, std::string answer) {
  ConfirmationFacts facts;
  facts.kind = ConfirmationKind::rsvp;
  facts.language = std::move(language);
  facts.alert_code = "A7";
  facts.record.answer = std::move(answer);
  return facts;
}

TEST(RepliesConfirmationText, AYesWithABusNamesTheDeparture) {
  auto facts = rsvp("fr", "yes");
  facts.record.bus_seats = 1;
  facts.pickup = "Terminus Longueuil, 5 h 30";
  EXPECT_EQ(confirmation_text(facts),
            "Merci! Présence confirmée. Autobus: départ Terminus Longueuil, 5 h 30. Pour "
            "changer: NON A7.");
  facts.language = "en";
  facts.pickup = "Terminus Longueuil, 5:30 a.m.";
  EXPECT_EQ(confirmation_text(facts),
            "Thanks! You're confirmed. Bus: leaves from Terminus Longueuil, 5:30 a.m. To change: "
            "NO A7.");
}

TEST(RepliesConfirmationText, PartyAndSeatsAreRepeatedBack) {
  auto facts = rsvp("fr", "yes");
  facts.record.party = 3;
  facts.record.bus_seats = 3;
  facts.record.car_seats = 0;
  EXPECT_EQ(confirmation_text(facts),
            "Merci! Présence confirmée pour 3 personnes. Autobus (3 places): détails à venir. "
            "Pour changer: NON A7.");
  facts = rsvp("en", "yes");
  facts.record.car_seats = 1;
  EXPECT_EQ(confirmation_text(facts),
            "Thanks! You're confirmed. Thanks for offering 1 seat in your car. To change: NO A7.");
}

TEST(RepliesConfirmationText, NoAndMaybeSayHowToChange) {
  EXPECT_EQ(confirmation_text(rsvp("fr", "no")),
            "Merci, c'est noté: absent. Si ça change, réponds OUI A7.");
  EXPECT_EQ(confirmation_text(rsvp("en", "maybe")),
            "Thanks, noted: maybe. Reply YES A7 or NO A7 once you know.");
  auto no_code = rsvp("de", "no");  // an unknown language reads as French
  no_code.alert_code.clear();
  EXPECT_EQ(confirmation_text(no_code), "Merci, c'est noté: absent. Si ça change, réponds OUI.");
}

TEST(RepliesConfirmationText, EveryFixedAnswerIsOneGsm7SegmentAndHelpAtMost160) {
  for (const char* language : {"fr", "en"}) {
    for (auto kind : {ConfirmationKind::unknown, ConfirmationKind::opted_out,
                      ConfirmationKind::resubscribed, ConfirmationKind::help}) {
      ConfirmationFacts facts;
      facts.kind = kind;
      facts.language = language;
      facts.alert_code = "A12345";
      const std::string text = confirmation_text(facts);
      SCOPED_TRACE(text);
      const auto shape = alerts::measure_sms(text);
      EXPECT_EQ(shape.encoding, alerts::SmsEncoding::gsm7);
      EXPECT_LE(shape.units, 160u);
    }
  }
}

}  // namespace
}  // namespace tocsin::replies
