#include "auth/sign_in_limits.h"

#include <gtest/gtest.h>

#include "auth/sign_in_message.h"

namespace tocsin::auth {
namespace {

TEST(SignInLimits, RequestsUpToEachLimitGoOn) {
  EXPECT_EQ(code_request_limit(kCodeRequestsPerAccount, kCodeRequestsPerClient), std::nullopt);
  EXPECT_EQ(code_request_limit(0, 1), std::nullopt);  // no account: only the client counts
}

TEST(SignInLimits, OneMoreThanALimitIsRefusedNamingIt) {
  EXPECT_EQ(code_request_limit(kCodeRequestsPerAccount + 1, 1), LimitScope::account);
  EXPECT_EQ(code_request_limit(1, kCodeRequestsPerClient + 1), LimitScope::client);
  // Both over: the address is named, it is what the person can change.
  EXPECT_EQ(code_request_limit(kCodeRequestsPerAccount + 1, kCodeRequestsPerClient + 1),
            LimitScope::client);
}

TEST(SignInLimits, MessagesSayWhatIsLimitedAndWhen) {
  EXPECT_EQ(limit_message(LimitScope::account, false),
            "too many codes were asked for this address in the last hour; try again later");
  EXPECT_EQ(limit_message(LimitScope::client, true),
            "too many codes were tried from your network address in the last hour; try again later");
}

TEST(SignInMessage, CarriesTheCodeInTheAskedLanguage) {
  const auto fr = sign_in_message("004217", "fr");
  EXPECT_NE(fr.text.find("004217"), std::string::npos);
  EXPECT_NE(fr.text.find("10 minutes"), std::string::npos);
  EXPECT_EQ(fr.subject, "Votre code de connexion Tocsin");
  const auto en = sign_in_message("004217", "en");
  EXPECT_NE(en.text.find("your sign-in code is 004217"), std::string::npos);
  EXPECT_EQ(sign_in_message("1", "").subject, fr.subject) << "French by default";
}

}  // namespace
}  // namespace tocsin::auth
