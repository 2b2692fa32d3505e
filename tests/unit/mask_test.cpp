#include "log/mask.h"
#include "log/log.h"

#include <gtest/gtest.h>

namespace tocsin::log {
namespace {

TEST(Mask, PhoneKeepsCountryAreaAndLastFour) {
  EXPECT_EQ(mask_phone("+18195551234"), "+1819***1234");
  EXPECT_EQ(mask_phone("819-555-1234"), "819***1234");
  EXPECT_EQ(mask_phone("+33 6 12 34 56 78"), "+3361***5678");
}

TEST(Mask, ShortOrEmptyPhoneIsHiddenWhole) {
  EXPECT_EQ(mask_phone("1234"), "***");
  EXPECT_EQ(mask_phone(""), "***");
}

TEST(Mask, EmailKeepsFirstLetterAndDomain) {
  EXPECT_EQ(mask_email("jean.tremblay@example.org"), "j***@example.org");
  EXPECT_EQ(mask_email("not-an-email"), "***");
  EXPECT_EQ(mask_email("@example.org"), "***");
}

TEST(Mask, FreeTextHasEveryPhoneAndEmailMasked) {
  const std::string masked = mask_personal_data(
      "From +18195551234 (819) 555-9876 reply OUI to marie.cote@syndicat.qc.ca, code A7 2026");
  EXPECT_EQ(masked.find("5551234"), std::string::npos) << masked;
  EXPECT_EQ(masked.find("555-9876"), std::string::npos) << masked;
  EXPECT_EQ(masked.find("marie.cote"), std::string::npos) << masked;
  EXPECT_NE(masked.find("+1819***1234"), std::string::npos) << masked;
  EXPECT_NE(masked.find("m***@syndicat.qc.ca"), std::string::npos) << masked;
  // Short numbers are not phones: alert codes and years stay readable.
  EXPECT_NE(masked.find("code A7 2026"), std::string::npos) << masked;
}

TEST(Mask, TextWithoutPersonalDataIsUnchanged) {
  EXPECT_EQ(mask_personal_data("OUI BUS 2 @ 7h00"), "OUI BUS 2 @ 7h00");
}

TEST(LogQuote, PlainTokensStayBareOthersAreQuoted) {
  EXPECT_EQ(quote("redis_connected"), "redis_connected");
  EXPECT_EQ(quote("two words"), "\"two words\"");
  EXPECT_EQ(quote(""), "\"\"");
  EXPECT_EQ(quote("say \"hi\"\n"), "\"say \\\"hi\\\"\"");
  EXPECT_EQ(quote("a=b"), "\"a=b\"");
}

}  // namespace
}  // namespace tocsin::log
