// The contract of dispatch's retry lease (daemon/dispatch/take_retries.lua): one key, so it
// runs on plain Redis and in cluster mode.

#include <gtest/gtest.h>

#include "dispatch/take_retries.lua.h"
#include "redis/decode.h"
#include "tests/support/script_contract.h"

namespace tocsin::dispatch {
namespace {

using testing::ScriptContract;

class TakeRetries : public ScriptContract {};

TEST_P(TakeRetries, TakesTheDueEntriesUpToTheLimitAndLeasesThem) {
  redis().command({"ZADD", "q:retry", "100", "a1|m1|sms|2", "200", "a1|m2|sms|2", "300",
                   "a1|m3|email|1", "5000", "a1|m4|sms|3"});
  const auto before = keyspace();
  auto due = redis::decode<std::vector<std::string>>(
      run(lua::take_retries, {"q:retry"}, {"1000", "60000", "2"}));
  ASSERT_TRUE(due);
  EXPECT_EQ(*due, (std::vector<std::string>{"a1|m1|sms|2", "a1|m2|sms|2"}));
  EXPECT_EQ(changed_keys(before), (std::set<std::string>{"q:retry"}));
  EXPECT_EQ(redis().text({"ZSCORE", "q:retry", "a1|m1|sms|2"}), "61000");
  EXPECT_EQ(redis().text({"ZSCORE", "q:retry", "a1|m2|sms|2"}), "61000");
  EXPECT_EQ(redis().text({"ZSCORE", "q:retry", "a1|m3|email|1"}), "300");
  EXPECT_EQ(redis().text({"ZSCORE", "q:retry", "a1|m4|sms|3"}), "5000");
}

TEST_P(TakeRetries, NothingDueTakesNothingAndChangesNothing) {
  redis().command({"ZADD", "q:retry", "5000", "a1|m1|sms|2"});
  const auto before = keyspace();
  auto due = redis::decode<std::vector<std::string>>(
      run(lua::take_retries, {"q:retry"}, {"1000", "60000", "10"}));
  ASSERT_TRUE(due);
  EXPECT_TRUE(due->empty());
  EXPECT_TRUE(changed_keys(before).empty());
}
TOCSIN_SCRIPT_CONTRACT(TakeRetries);

}  // namespace
}  // namespace tocsin::dispatch
