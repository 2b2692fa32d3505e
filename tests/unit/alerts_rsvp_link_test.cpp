// RSVP links: a short, deterministic, unguessable tag per (alert, member), and the link
// built from the public URL, the alert code and the tag.

#include "alerts/rsvp_link.h"

#include <gtest/gtest.h>

#include <string>

namespace tocsin::alerts {
namespace {

const std::string kSecret = "0123456789abcdef0123456789abcdef";

bool is_base64url(const std::string& text) {
  for (char c : text) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

TEST(RsvpLink, TagIsDeterministic) {
  EXPECT_EQ(rsvp_tag(kSecret, "al-1", "m-1042"), rsvp_tag(kSecret, "al-1", "m-1042"));
  // The first 60 bits of HMAC-SHA256(secret, alert "\n" member) in base64url (computed
  // independently with Python's hmac module): links already sent stay valid across
  // versions.
  EXPECT_EQ(rsvp_tag(kSecret, "al-1", "m-1042"), "rWyOkBn_hM");
  EXPECT_EQ(rsvp_tag("k", "A", "B"), "pYwtZKsuTA");
}

TEST(RsvpLink, TagIsExactlyTheTagLengthOfBase64Url) {
  for (const auto& [alert, member] : {std::pair{"al-1", "m-1042"}, std::pair{"", ""},
                                      std::pair{"x", "y"}, std::pair{"A7", "00123"}}) {
    const std::string tag = rsvp_tag(kSecret, alert, member);
    EXPECT_EQ(tag.size(), kRsvpTagLength) << alert << "/" << member;
    EXPECT_TRUE(is_base64url(tag)) << tag;
  }
  // Both '-' and '_' and every other symbol can occur: over many members, the tags use
  // (nearly) the whole alphabet, so nothing is stuck on a few characters.
  std::string seen;
  for (int i = 0; i < 2000; ++i) {
    for (char c : rsvp_tag(kSecret, "al-1", "m-" + std::to_string(i))) {
      if (seen.find(c) == std::string::npos) seen += c;
    }
  }
  EXPECT_EQ(seen.size(), 64u);
  EXPECT_TRUE(is_base64url(seen));
}

TEST(RsvpLink, TagDiffersForAnotherSecretAlertOrMember) {
  const std::string tag = rsvp_tag(kSecret, "al-1", "m-1042");
  EXPECT_NE(tag, rsvp_tag("another secret of thirty-two b..", "al-1", "m-1042"));
  EXPECT_NE(tag, rsvp_tag(kSecret, "al-2", "m-1042"));
  EXPECT_NE(tag, rsvp_tag(kSecret, "al-1", "m-1043"));
  // Swapping alert and member gives another tag too.
  EXPECT_NE(tag, rsvp_tag(kSecret, "m-1042", "al-1"));
}

TEST(RsvpLink, IdBoundaryIsPartOfTheTag) {
  EXPECT_NE(rsvp_tag(kSecret, "a1", "2"), rsvp_tag(kSecret, "a", "12"));
  EXPECT_NE(rsvp_tag(kSecret, "a", "12"), rsvp_tag(kSecret, "a12", ""));
  EXPECT_NE(rsvp_tag(kSecret, "", "a12"), rsvp_tag(kSecret, "a12", ""));
}

TEST(RsvpLink, LinkJoinsUrlCodeAndTag) {
  EXPECT_EQ(rsvp_link("https://tocsin.example", "A7", "k3J9xQ2mPa"),
            "https://tocsin.example/r/A7.k3J9xQ2mPa");
  EXPECT_EQ(rsvp_link("https://tocsin.example/", "A7", "k3J9xQ2mPa"),
            "https://tocsin.example/r/A7.k3J9xQ2mPa");
  EXPECT_EQ(rsvp_link("https://tocsin.example//", "A7", "k3J9xQ2mPa"),
            "https://tocsin.example/r/A7.k3J9xQ2mPa");
  // A public URL under a path keeps its path.
  EXPECT_EQ(rsvp_link("https://union.example/tocsin/", "B12", "abc-_DEF01"),
            "https://union.example/tocsin/r/B12.abc-_DEF01");
}

TEST(RsvpLink, NewSecretIs32RandomBytes) {
  const std::string first = new_rsvp_secret();
  const std::string second = new_rsvp_secret();
  EXPECT_EQ(first.size(), 32u);
  EXPECT_EQ(second.size(), 32u);
  EXPECT_NE(first, second);
  EXPECT_NE(first, std::string(32, '\0'));
}

}  // namespace
}  // namespace tocsin::alerts
