#include "auth/one_time_code.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

namespace tocsin::auth {
namespace {

constexpr int64_t kNow = 1'700'000'000'000;

CodeAttempt stored(const std::string& code, int attempt, int64_t expires_at_ms = kNow + 1000) {
  const std::string salt = generate_salt();
  return {.attempt = attempt,
          .expires_at_ms = expires_at_ms,
          .hash = hash_code(salt, code),
          .salt = salt};
}

TEST(OneTimeCode, CodesAreSixDigitsSpreadOverEveryDigit) {
  std::map<char, int> first_digits;
  std::set<std::string> seen;
  for (int i = 0; i < 2000; ++i) {
    const std::string code = generate_code();
    ASSERT_TRUE(is_code_format(code)) << code;
    ++first_digits[code[0]];
    seen.insert(code);
  }
  // Leading zeros are kept, so every first digit shows up (each ~200 times of 2000).
  EXPECT_EQ(first_digits.size(), 10u);
  for (const auto& [digit, count] : first_digits) EXPECT_GT(count, 100) << digit;
  EXPECT_GT(seen.size(), 1900u) << "a million codes: 2000 draws rarely repeat";
}

TEST(OneTimeCode, FormatIsExactlySixAsciiDigits) {
  EXPECT_TRUE(is_code_format("004217"));
  for (const char* bad : {"", "12345", "1234567", "12345a", " 12345", "１２３４５６"}) {
    EXPECT_FALSE(is_code_format(bad)) << bad;
  }
}

TEST(OneTimeCode, TheHashIsSaltedAndHoldsNoDigitsOfTheCode) {
  const std::string a = hash_code("salt-a", "123456");
  EXPECT_EQ(a.size(), 64u);
  EXPECT_NE(a, hash_code("salt-b", "123456"));
  EXPECT_EQ(a, hash_code("salt-a", "123456"));
  EXPECT_EQ(a.find("123456"), std::string::npos);
}

TEST(OneTimeCode, TheRightCodeInTimeIsAccepted) {
  EXPECT_EQ(judge_code(stored("424242", 1), "424242", kNow), CodeVerdict::accepted);
  // The last allowed attempt is still judged.
  EXPECT_EQ(judge_code(stored("424242", kAttemptsPerCode), "424242", kNow), CodeVerdict::accepted);
}

TEST(OneTimeCode, AWrongCodeIsWrong) {
  EXPECT_EQ(judge_code(stored("424242", 1), "424243", kNow), CodeVerdict::wrong);
  EXPECT_EQ(judge_code(stored("424242", kAttemptsPerCode), "000000", kNow), CodeVerdict::wrong);
}

TEST(OneTimeCode, PastItsAttemptsEvenTheRightCodeIsRefused) {
  EXPECT_EQ(judge_code(stored("424242", kAttemptsPerCode + 1), "424242", kNow),
            CodeVerdict::exhausted);
}

TEST(OneTimeCode, AnExpiredCodeIsRefusedEvenWhenRight) {
  EXPECT_EQ(judge_code(stored("424242", 1, kNow), "424242", kNow), CodeVerdict::expired);
  // Reported uncounted by the store (attempt 0): still expired.
  EXPECT_EQ(judge_code(stored("424242", 0, kNow - 1), "424242", kNow), CodeVerdict::expired);
  EXPECT_EQ(judge_code(stored("424242", 1, kNow + 1), "424242", kNow), CodeVerdict::accepted);
}

TEST(OneTimeCode, ADamagedRecordMatchesNothing) {
  CodeAttempt damaged{.attempt = 1, .expires_at_ms = kNow + 1000, .hash = "", .salt = ""};
  EXPECT_EQ(judge_code(damaged, "424242", kNow), CodeVerdict::wrong);
}

}  // namespace
}  // namespace tocsin::auth
