#include "replies/rsvp_token.h"

#include <gtest/gtest.h>

#include "alerts/rsvp_link.h"
#include "replies/rsvp_link_check.h"

namespace tocsin::replies {
namespace {

TEST(RsvpToken, ReadsCodeAndTag) {
  const auto parsed = parse_rsvp_token("A17.k3J9xQ2m-_");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->code, "A17");
  EXPECT_EQ(parsed->tag, "k3J9xQ2m-_");
}

TEST(RsvpToken, ReadsTheLinksTheSenderMakes) {
  const std::string tag = alerts::rsvp_tag(std::string(32, 's'), "alert1", "M100");
  const std::string link = alerts::rsvp_link("https://tocsin.example", "A7", tag);
  const auto parsed = parse_rsvp_token(link.substr(link.rfind('/') + 1));
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->code, "A7");
  EXPECT_EQ(parsed->tag, tag);
}

TEST(RsvpToken, RefusesAnythingElse) {
  for (const char* text :
       {"", ".", "A7", "A7.", ".k3J9xQ2mPa", "A7k3J9xQ2mPa", "B7.k3J9xQ2mPa", "a7.k3J9xQ2mPa",
        "A.k3J9xQ2mPa", "A07.k3J9xQ2mPa", "A7x.k3J9xQ2mPa", "A7.k3J9xQ2mP", "A7.k3J9xQ2mPab",
        "A7.k3J9xQ2m+a", "A7.k3J9xQ2m/a", "A7.k3J9xQ2m=a", "A7.k3J9xQ2m.a", "A7.k3J9xQ2mP\xc3",
        "A123456789012345678901.k3J9xQ2mPa"}) {
    EXPECT_FALSE(parse_rsvp_token(text)) << text;
  }
}

TEST(RsvpToken, AFormTokenMatchesOnlyItsPageAndIsNotTheLinksTag) {
  const std::string secret(32, 's');
  const std::string token = rsvp_form_token(secret, "alert1", "M100");
  EXPECT_EQ(token.size(), alerts::kRsvpTagLength);
  EXPECT_NE(token, alerts::rsvp_tag(secret, "alert1", "M100"));
  EXPECT_EQ(token, rsvp_form_token(secret, "alert1", "M100"));
  EXPECT_NE(token, rsvp_form_token(secret, "alert1", "M101"));
  EXPECT_NE(token, rsvp_form_token(secret, "alert2", "M100"));
  EXPECT_NE(token, rsvp_form_token(std::string(32, 't'), "alert1", "M100"));
  EXPECT_TRUE(tokens_equal(token, token));
  EXPECT_FALSE(tokens_equal(token, token.substr(1)));
  EXPECT_FALSE(tokens_equal(token, ""));
  EXPECT_FALSE(tokens_equal(token, alerts::rsvp_tag(secret, "alert1", "M100")));
}

TEST(RsvpToken, ATagMatchesOnlyItsAlertMemberAndSecret) {
  const std::string secret(32, 's');
  const std::string tag = alerts::rsvp_tag(secret, "alert1", "M100");
  EXPECT_TRUE(rsvp_tag_matches(secret, "alert1", "M100", tag));
  EXPECT_FALSE(rsvp_tag_matches(secret, "alert1", "M101", tag));
  EXPECT_FALSE(rsvp_tag_matches(secret, "alert2", "M100", tag));
  EXPECT_FALSE(rsvp_tag_matches(std::string(32, 't'), "alert1", "M100", tag));
  EXPECT_FALSE(rsvp_tag_matches(secret, "alert1", "M100", tag.substr(1)));
  EXPECT_FALSE(rsvp_tag_matches(secret, "alert1", "M100", ""));
  for (size_t i = 0; i < tag.size(); ++i) {
    std::string tampered = tag;
    tampered[i] = tampered[i] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(rsvp_tag_matches(secret, "alert1", "M100", tampered)) << i;
  }
}

constexpr int64_t kEventMs = 1906974000000;  // 2030-06-06T07:00:00-04:00
constexpr const char* kEvent = "2030-06-06T07:00:00-04:00";

TEST(RsvpLinkCheck, TakesAnswersWhileSendingOrSentBeforeExpiryAndEvent) {
  EXPECT_TRUE(takes_answers("sending", 0, kEvent, kEventMs - 1));
  EXPECT_TRUE(takes_answers("sent", kEventMs - 10, kEvent, kEventMs - 11));
  EXPECT_TRUE(takes_answers("sent", 0, "", kEventMs * 2));  // no time known: no limit
}

TEST(RsvpLinkCheck, RefusesOtherStatesExpiredAlertsAndPastEvents) {
  for (const char* state : {"draft", "approved", "closed", "cancelled", ""}) {
    EXPECT_FALSE(takes_answers(state, 0, kEvent, 0)) << state;
  }
  EXPECT_FALSE(takes_answers("sent", kEventMs - 10, kEvent, kEventMs - 10));
  EXPECT_FALSE(takes_answers("sent", 0, kEvent, kEventMs));
  EXPECT_FALSE(takes_answers("sending", 0, kEvent, kEventMs + 1));
}

}  // namespace
}  // namespace tocsin::replies
