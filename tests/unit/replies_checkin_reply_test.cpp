// PRÉSENT A7 / HERE A7 / ICI A7: a member at the door says so by SMS. The reader reads a
// check-in (keyword here, answer yes) only for a word of presence beside the alert's code
// and politeness; anything else stays what it was (PRÉSENT alone is a yes) or is unknown.
// The confirmations: the presence noted, and the short check-in code in a yes.

#include <gtest/gtest.h>

#include "alerts/sms_encoding.h"
#include "replies/confirmation_text.h"
#include "replies/reply_reader.h"

namespace tocsin::replies {
namespace {

TEST(RepliesCheckinReply, PresenceWordWithTheCodeIsACheckIn) {
  for (const char* text : {"PRÉSENT A7", "présente a7", "Present A7", "A7 présent",
                           "HERE A7", "here a7 thanks", "ICI A7", "ici A07 merci!", "Présent A7."}) {
    const Reading reading = read_reply(text);
    EXPECT_EQ(reading.keyword, Keyword::here) << text;
    EXPECT_EQ(reading.answer, Answer::yes) << text;
    EXPECT_TRUE(reading.sure()) << text;
    EXPECT_EQ(reading.alert_code, "A7") << text;
  }
}

TEST(RepliesCheckinReply, LanguageFollowsTheWord) {
  EXPECT_EQ(read_reply("HERE A7").language, Language::en);
  EXPECT_EQ(read_reply("ICI A7").language, Language::fr);
}

TEST(RepliesCheckinReply, PresentWithoutTheCodeStaysAYes) {
  const Reading reading = read_reply("Présent");
  EXPECT_EQ(reading.keyword, Keyword::none);
  EXPECT_EQ(reading.answer, Answer::yes);
  EXPECT_TRUE(reading.sure());
  EXPECT_EQ(read_reply("oui présent A7").keyword, Keyword::none);
  EXPECT_EQ(read_reply("oui présent A7").answer, Answer::yes);
}

TEST(RepliesCheckinReply, HereOrIciOtherwiseIsNotGuessed) {
  for (const char* text : {"ici", "HERE", "oui ici", "here A7 BUS", "ici A7 A8", "ICI A7?",
                           "présent ici A7", "STOP ici"}) {
    const Reading reading = read_reply(text);
    EXPECT_FALSE(reading.sure()) << text;
    EXPECT_EQ(reading.keyword, Keyword::none) << text;
    EXPECT_EQ(reading.answer, Answer::none) << text;
  }
}

TEST(RepliesCheckinReply, TheKeywordHasItsJsonName) {
  EXPECT_EQ(to_string(Keyword::here), "here");
  EXPECT_NE(to_json(read_reply("HERE A7")).find("\"keyword\":\"here\""), std::string::npos);
}

TEST(RepliesCheckinReply, PresenceIsConfirmedInTheMembersLanguage) {
  ConfirmationFacts facts;
  facts.kind = ConfirmationKind::present;
  facts.language = "fr";
  facts.alert_code = "A7";
  EXPECT_EQ(confirmation_text(facts), "Merci, ta présence est notée. Bienvenue!");
  facts.language = "en";
  EXPECT_EQ(confirmation_text(facts), "Thanks, you are marked present. Welcome!");
}

TEST(RepliesCheckinReply, AYesCarriesTheCheckInCodeInOneSegment) {
  ConfirmationFacts facts;
  facts.kind = ConfirmationKind::rsvp;
  facts.language = "fr";
  facts.alert_code = "A7";
  facts.record.answer = "yes";
  facts.record.bus_seats = 1;
  facts.pickup = "Terminus Longueuil, 5 h 30";
  facts.checkin_code = "K7P2QX";
  const std::string fr = confirmation_text(facts);
  EXPECT_EQ(fr,
            "Merci! Présence confirmée. Autobus: départ Terminus Longueuil, 5 h 30. Pour "
            "changer: NON A7. Code d'accueil : K7P2QX.");
  EXPECT_EQ(alerts::measure_sms(fr).segments, 1u);
  facts.language = "en";
  facts.pickup = "Terminus Longueuil, 5:30 a.m.";
  EXPECT_EQ(confirmation_text(facts),
            "Thanks! You're confirmed. Bus: leaves from Terminus Longueuil, 5:30 a.m. To change: "
            "NO A7. Check-in code: K7P2QX.");
  facts.record.answer = "no";
  EXPECT_EQ(confirmation_text(facts).find("K7P2QX"), std::string::npos);
}

}  // namespace
}  // namespace tocsin::replies
