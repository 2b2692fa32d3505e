// The contracts of the sign-in scripts (daemon/auth/*.lua): the counter of sign-in events,
// a code's attempts and a session's renewal touch one key, so they run in both modes.

#include <gtest/gtest.h>

#include "auth/code_attempt.lua.h"
#include "auth/session_touch.lua.h"
#include "auth/sign_in_count.lua.h"
#include "tests/support/script_contract.h"

namespace tocsin::auth {
namespace {

using testing::ScriptContract;

class SignInCount : public ScriptContract {};

TEST_P(SignInCount, CountsInAWindowThatStartsAtTheFirstEvent) {
  const std::string key = "{auth}:sign_in_count:code:a1";
  EXPECT_EQ(run(lua::sign_in_count, {key}, {"3600"}).integer, 1);
  const int64_t ttl = redis().integer({"TTL", key});
  EXPECT_GT(ttl, 3500);
  EXPECT_EQ(run(lua::sign_in_count, {key}, {"3600"}).integer, 2);
  // The window does not slide: the second event leaves the expiry where the first set it.
  EXPECT_LE(redis().integer({"TTL", key}), ttl);
}
TOCSIN_SCRIPT_CONTRACT(SignInCount);

class CodeAttempt : public ScriptContract {};

TEST_P(CodeAttempt, NoCodeChangesNothingAndAnswersNil) {
  const auto before = keyspace();
  EXPECT_TRUE(run(lua::code_attempt, {"{auth}:sign_in_code:a1"}, {"5", "1000"}).is_nil());
  EXPECT_TRUE(changed_keys(before).empty());
}

TEST_P(CodeAttempt, CountsEachAttemptAndDeletesTheCodeAtTheLastOne) {
  const std::string key = "{auth}:sign_in_code:a1";
  redis().command({"HSET", key, "hash", "h", "salt", "s", "expires_at_ms", "5000", "attempts",
                   "0"});
  for (int64_t attempt = 1; attempt <= 3; ++attempt) {
    auto reply = run(lua::code_attempt, {key}, {"3", "1000"});
    ASSERT_EQ(reply.elements.size(), 4u);
    EXPECT_EQ(reply.elements[0].integer, attempt);
    EXPECT_EQ(reply.elements[1].str, "h");
    EXPECT_EQ(reply.elements[2].str, "s");
    EXPECT_EQ(reply.elements[3].str, "5000");
  }
  EXPECT_EQ(redis().integer({"EXISTS", key}), 0);
}

TEST_P(CodeAttempt, AnExpiredCodeIsAttemptZeroUncountedAndKept) {
  const std::string key = "{auth}:sign_in_code:a1";
  redis().command({"HSET", key, "hash", "h", "salt", "s", "expires_at_ms", "5000", "attempts",
                   "0"});
  const auto before = keyspace();
  auto reply = run(lua::code_attempt, {key}, {"3", "5000"});
  ASSERT_EQ(reply.elements.size(), 4u);
  EXPECT_EQ(reply.elements[0].integer, 0);
  EXPECT_EQ(reply.elements[1].str, "");
  EXPECT_TRUE(changed_keys(before).empty());
}
TOCSIN_SCRIPT_CONTRACT(CodeAttempt);

class SessionTouch : public ScriptContract {};

TEST_P(SessionTouch, RenewsTheIdleLimitButNeverPastTheAbsoluteExpiry) {
  const std::string key = "{auth}:session:abc";
  redis().command({"HSET", key, "account", "a1", "expires_at_ms", "100000"});
  EXPECT_EQ(run(lua::session_touch, {key}, {"60000", "10000"}).integer, 1);
  EXPECT_GT(redis().integer({"PTTL", key}), 50000);
  EXPECT_EQ(run(lua::session_touch, {key}, {"60000", "90000"}).integer, 1);
  EXPECT_LE(redis().integer({"PTTL", key}), 10000);
}

TEST_P(SessionTouch, EndsASessionPastItsExpiryAndIgnoresOneGone) {
  const std::string key = "{auth}:session:abc";
  redis().command({"HSET", key, "account", "a1", "expires_at_ms", "100000"});
  EXPECT_EQ(run(lua::session_touch, {key}, {"60000", "100000"}).integer, 0);
  EXPECT_EQ(redis().integer({"EXISTS", key}), 0);
  EXPECT_EQ(run(lua::session_touch, {key}, {"60000", "100000"}).integer, 0);
  EXPECT_EQ(redis().integer({"EXISTS", key}), 0);
}
TOCSIN_SCRIPT_CONTRACT(SessionTouch);

}  // namespace
}  // namespace tocsin::auth
