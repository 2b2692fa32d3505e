// Approval links: a tag over the alert id and the expiry under a secret, checked in
// constant time; a moved expiry, another alert's tag or another secret reads as forged,
// and a genuine link past its expiry as expired.

#include "alerts/approval_link.h"

#include <gtest/gtest.h>

#include <string>

namespace tocsin::alerts {
namespace {

const std::string kSecret = "0123456789abcdef0123456789abcdef";
const std::string kAlert = "k3j9xq2mpa7b4c1d";
constexpr int64_t kNow = 1'800'000'000;
constexpr int64_t kExpires = kNow + kApprovalLinkSeconds;

TEST(ApprovalLinkTest, TagIsDeterministicBase64urlOfItsLength) {
  const std::string tag = approval_tag(kSecret, kAlert, kExpires);
  EXPECT_EQ(tag.size(), kApprovalTagLength);
  EXPECT_EQ(tag, approval_tag(kSecret, kAlert, kExpires));
  EXPECT_EQ(
      tag.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
      std::string::npos);
}

TEST(ApprovalLinkTest, TagDependsOnAlertExpiryAndSecret) {
  const std::string tag = approval_tag(kSecret, kAlert, kExpires);
  EXPECT_NE(tag, approval_tag(kSecret, "k3j9xq2mpa7b4c1e", kExpires));
  EXPECT_NE(tag, approval_tag(kSecret, kAlert, kExpires + 1));
  EXPECT_NE(tag, approval_tag("another secret of thirty-two byte", kAlert, kExpires));
}

TEST(ApprovalLinkTest, LinkIsTheConsoleHashRoute) {
  EXPECT_EQ(approval_link("https://tocsin.example/", kAlert, kExpires, "TAG"),
            "https://tocsin.example/#approve=" + kAlert + "&exp=" + std::to_string(kExpires) +
                "&sig=TAG");
}

TEST(ApprovalLinkTest, GenuineLinkIsValidUntilItsExpiry) {
  const std::string tag = approval_tag(kSecret, kAlert, kExpires);
  const std::string exp = std::to_string(kExpires);
  EXPECT_EQ(check_approval_link(kSecret, kAlert, exp, tag, kNow), LinkVerdict::valid);
  EXPECT_EQ(check_approval_link(kSecret, kAlert, exp, tag, kExpires - 1), LinkVerdict::valid);
  EXPECT_EQ(check_approval_link(kSecret, kAlert, exp, tag, kExpires), LinkVerdict::expired);
  EXPECT_EQ(check_approval_link(kSecret, kAlert, exp, tag, kExpires + 3600), LinkVerdict::expired);
}

TEST(ApprovalLinkTest, MovedExpiryOrOtherAlertIsForgedNotExpired) {
  const std::string tag = approval_tag(kSecret, kAlert, kNow - 10);  // an expired link
  // Moving its expiry forward by hand does not revive it.
  EXPECT_EQ(check_approval_link(kSecret, kAlert, std::to_string(kExpires), tag, kNow),
            LinkVerdict::forged);
  EXPECT_EQ(check_approval_link(kSecret, kAlert, std::to_string(kNow - 10), tag, kNow),
            LinkVerdict::expired);
  const std::string good = approval_tag(kSecret, kAlert, kExpires);
  EXPECT_EQ(check_approval_link(kSecret, "k3j9xq2mpa7b4c1e", std::to_string(kExpires), good, kNow),
            LinkVerdict::forged);
}

TEST(ApprovalLinkTest, MalformedPartsAreForged) {
  const std::string tag = approval_tag(kSecret, kAlert, kExpires);
  const std::string exp = std::to_string(kExpires);
  EXPECT_EQ(check_approval_link("", kAlert, exp, tag, kNow), LinkVerdict::forged);
  EXPECT_EQ(check_approval_link(kSecret, kAlert, "", tag, kNow), LinkVerdict::forged);
  EXPECT_EQ(check_approval_link(kSecret, kAlert, exp + "x", tag, kNow), LinkVerdict::forged);
  EXPECT_EQ(check_approval_link(kSecret, kAlert, "-5", tag, kNow), LinkVerdict::forged);
  EXPECT_EQ(check_approval_link(kSecret, kAlert, exp, tag.substr(1), kNow), LinkVerdict::forged);
  EXPECT_EQ(check_approval_link(kSecret, kAlert, exp, "", kNow), LinkVerdict::forged);
  std::string flipped = tag;
  flipped[0] = flipped[0] == 'A' ? 'B' : 'A';
  EXPECT_EQ(check_approval_link(kSecret, kAlert, exp, flipped, kNow), LinkVerdict::forged);
}

TEST(ApprovalLinkTest, RefusalsSayWhatToDo) {
  EXPECT_NE(link_refusal(LinkVerdict::expired).find("expired"), std::string::npos);
  EXPECT_NE(link_refusal(LinkVerdict::forged).find("not valid"), std::string::npos);
  EXPECT_EQ(link_refusal(LinkVerdict::valid), "");
}

}  // namespace
}  // namespace tocsin::alerts
