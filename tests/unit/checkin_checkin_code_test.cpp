// The check-in codes (checkin/checkin_code.h): the QR payload's tag binds alert and member,
// the reader accepts what a camera or a thumb gives it, the short codes use their alphabet.

#include "checkin/checkin_code.h"

#include <gtest/gtest.h>

#include <set>

namespace tocsin::checkin {
namespace {

const std::string kSecret(32, 'k');
const std::string kAlert = "a1b2c3d4e5f6g7h8";

TEST(CheckinCode, TagIsBase64UrlOfItsLength) {
  const std::string tag = checkin_tag(kSecret, kAlert, "10234");
  ASSERT_EQ(tag.size(), kCheckinTagLength);
  for (char c : tag) EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_');
  EXPECT_EQ(tag, checkin_tag(kSecret, kAlert, "10234"));
}

TEST(CheckinCode, TagBindsSecretAlertAndMember) {
  const std::string tag = checkin_tag(kSecret, kAlert, "10234");
  EXPECT_TRUE(tag_matches(kSecret, kAlert, "10234", tag));
  EXPECT_FALSE(tag_matches(kSecret, "zzzzzzzzzzzzzzzz", "10234", tag));
  EXPECT_FALSE(tag_matches(kSecret, kAlert, "10235", tag));
  EXPECT_FALSE(tag_matches(std::string(32, 'x'), kAlert, "10234", tag));
  EXPECT_FALSE(tag_matches("", kAlert, "10234", tag));
  std::string altered = tag;
  altered[3] = altered[3] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(tag_matches(kSecret, kAlert, "10234", altered));
  EXPECT_FALSE(tag_matches(kSecret, kAlert, "10234", tag.substr(1)));
}

TEST(CheckinCode, UrlOpensTheConsolePage) {
  EXPECT_EQ(checkin_url("https://tocsin.example/", kAlert, "10234", "TAGTAGTAGTAGTAG_"),
            "https://tocsin.example/#checkin=" + kAlert + ".10234.TAGTAGTAGTAGTAG_");
}

TEST(CheckinCode, ReadsTheUrlItsFragmentOrItsPayload) {
  const std::string tag = checkin_tag(kSecret, kAlert, "SH.10-234");
  const std::string url = checkin_url("https://t.example", kAlert, "SH.10-234", tag);
  for (const std::string& text : {url, url.substr(url.find('#')),
                                   kAlert + ".SH.10-234." + tag, " " + url + "\n"}) {
    const auto code = read_code(text);
    ASSERT_EQ(code.kind, ScannedCode::Kind::qr) << text;
    EXPECT_EQ(code.alert_id, kAlert);
    EXPECT_EQ(code.member_id, "SH.10-234");
    EXPECT_EQ(code.tag, tag);
  }
}

TEST(CheckinCode, ReadsShortCodesAsTyped) {
  for (const char* text : {"K7P2QX", "k7p2qx", " K7P 2QX ", "k7p-2qx"}) {
    const auto code = read_code(text);
    ASSERT_EQ(code.kind, ScannedCode::Kind::short_code) << text;
    EXPECT_EQ(code.short_code, "K7P2QX");
  }
}

TEST(CheckinCode, RefusesWhatIsNeither) {
  for (const char* text : {"", "K7P2Q", "K7P2QXX", "K7P2Q0", "IOLU10", "a.b", "a..TAG",
                           "https://t.example/#checkin=abc.123.short",
                           "<script>.x.AAAAAAAAAAAAAAAA"}) {
    EXPECT_EQ(read_code(text).kind, ScannedCode::Kind::malformed) << text;
  }
}

TEST(CheckinCode, ShortCodesUseTheAlphabet) {
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    const std::string code = new_short_code();
    ASSERT_EQ(code.size(), kShortCodeLength);
    for (char c : code) EXPECT_NE(kShortCodeAlphabet.find(c), std::string_view::npos) << code;
    EXPECT_NE(code.find_first_not_of("0123456789"), std::string::npos) << code;
    seen.insert(code);
  }
  EXPECT_GT(seen.size(), 195u);  // drawn at random, not a sequence
}

}  // namespace
}  // namespace tocsin::checkin
