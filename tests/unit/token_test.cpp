#include "auth/token.h"
#include "auth/principal.h"

#include <gtest/gtest.h>

#include <regex>
#include <set>

namespace tocsin::auth {
namespace {

TEST(Token, HasPrefixAnd256BitsOfBase64Url) {
  const std::string token = generate_token();
  EXPECT_TRUE(std::regex_match(token, std::regex("tcs_[A-Za-z0-9_-]{43}"))) << token;
}

TEST(Token, AreNotRepeated) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(seen.insert(generate_token()).second);
}

TEST(Token, HashIsSha256Hex) {
  // sha256("abc"), FIPS 180-2 test vector.
  EXPECT_EQ(hash_token("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(token_key("abc"),
            "{auth}:token:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Role, NamesRoundTripAndUnknownIsRejected) {
  for (Role role : {Role::admin, Role::executive, Role::coordinator}) {
    EXPECT_EQ(parse_role(role_name(role)), role);
  }
  EXPECT_FALSE(parse_role("Admin").has_value());
  EXPECT_FALSE(parse_role("").has_value());
}

}  // namespace
}  // namespace tocsin::auth
