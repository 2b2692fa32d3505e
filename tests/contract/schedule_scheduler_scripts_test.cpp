// The contracts of the scheduler's scripts (daemon/schedule/*.lua). Their three keys,
// {schedule}, {schedule}:running and {schedule}:owner, share one hash tag, so the scripts
// run on a cluster as well as on plain Redis.

#include <gtest/gtest.h>

#include <tuple>

#include "redis/decode.h"
#include "schedule/claim_items.lua.h"
#include "schedule/finish_item.lua.h"
#include "schedule/schedule_item.lua.h"
#include "tests/support/script_contract.h"

namespace tocsin::schedule {
namespace {

using testing::ScriptContract;

const std::vector<std::string> kLeaseKeys{"{schedule}", "{schedule}:running", "{schedule}:owner"};

class ClaimItems : public ScriptContract {};

TEST_P(ClaimItems, LeasesTheDueItemsAndTakesOverThoseWhoseLeaseRanOut) {
  redis().command({"ZADD", "{schedule}", "100", "send|a1", "9000", "send|a2"});
  redis().command({"ZADD", "{schedule}:running", "500", "wave|a0|1", "8000", "wave|a3|1"});
  redis().command({"HSET", "{schedule}:owner", "wave|a0|1", "d2", "wave|a3|1", "d2"});
  const auto before = keyspace();
  auto claimed = redis::decode<std::vector<std::tuple<std::string, int64_t>>>(
      run(lua::claim_items, kLeaseKeys, {"1000", "60000", "10", "d1"}));
  ASSERT_TRUE(claimed);
  EXPECT_EQ(*claimed,
            (std::vector<std::tuple<std::string, int64_t>>{{"wave|a0|1", 1}, {"send|a1", 0}}));
  EXPECT_EQ(changed_keys(before),
            (std::set<std::string>{"{schedule}", "{schedule}:running", "{schedule}:owner"}));
  EXPECT_EQ(redis().text({"ZRANGE", "{schedule}", "0", "-1"}), "send|a2\n");
  EXPECT_EQ(redis().text({"ZSCORE", "{schedule}:running", "send|a1"}), "61000");
  EXPECT_EQ(redis().text({"ZSCORE", "{schedule}:running", "wave|a0|1"}), "61000");
  EXPECT_EQ(redis().text({"ZSCORE", "{schedule}:running", "wave|a3|1"}), "8000");
  EXPECT_EQ(redis().text({"HGET", "{schedule}:owner", "send|a1"}), "d1");
  EXPECT_EQ(redis().text({"HGET", "{schedule}:owner", "wave|a0|1"}), "d1");
  EXPECT_EQ(redis().text({"HGET", "{schedule}:owner", "wave|a3|1"}), "d2");
}

TEST_P(ClaimItems, TheLimitCountsTheItemsTakenOverFirst) {
  redis().command({"ZADD", "{schedule}", "100", "send|a1"});
  redis().command({"ZADD", "{schedule}:running", "500", "wave|a0|1"});
  auto claimed = redis::decode<std::vector<std::tuple<std::string, int64_t>>>(
      run(lua::claim_items, kLeaseKeys, {"1000", "60000", "1", "d1"}));
  ASSERT_TRUE(claimed);
  EXPECT_EQ(*claimed, (std::vector<std::tuple<std::string, int64_t>>{{"wave|a0|1", 1}}));
  EXPECT_EQ(redis().text({"ZSCORE", "{schedule}", "send|a1"}), "100");
}

TEST_P(ClaimItems, NothingDueClaimsNothingAndChangesNothing) {
  redis().command({"ZADD", "{schedule}", "9000", "send|a1"});
  redis().command({"ZADD", "{schedule}:running", "8000", "wave|a0|1"});
  const auto before = keyspace();
  auto claimed = redis::decode<std::vector<std::tuple<std::string, int64_t>>>(
      run(lua::claim_items, kLeaseKeys, {"1000", "60000", "10", "d1"}));
  ASSERT_TRUE(claimed);
  EXPECT_TRUE(claimed->empty());
  EXPECT_TRUE(changed_keys(before).empty());
}
TOCSIN_SCRIPT_CONTRACT(ClaimItems);

class FinishItem : public ScriptContract {
 protected:
  void SetUp() override {
    ScriptContract::SetUp();
    redis().command({"ZADD", "{schedule}:running", "61000", "send|a1"});
    redis().command({"HSET", "{schedule}:owner", "send|a1", "d1"});
  }
};

TEST_P(FinishItem, DoneRemovesTheItemAndItsLease) {
  const auto before = keyspace();
  EXPECT_EQ(run(lua::finish_item, kLeaseKeys, {"send|a1", "d1", ""}).integer, 1);
  EXPECT_EQ(changed_keys(before),
            (std::set<std::string>{"{schedule}:running", "{schedule}:owner"}));
  EXPECT_EQ(redis().integer({"EXISTS", "{schedule}", "{schedule}:running", "{schedule}:owner"}), 0);
}

TEST_P(FinishItem, ToBeTriedAgainGoesBackInTheScheduleAtItsTime) {
  const auto before = keyspace();
  EXPECT_EQ(run(lua::finish_item, kLeaseKeys, {"send|a1", "d1", "7000"}).integer, 1);
  EXPECT_EQ(changed_keys(before),
            (std::set<std::string>{"{schedule}", "{schedule}:running", "{schedule}:owner"}));
  EXPECT_EQ(redis().text({"ZSCORE", "{schedule}", "send|a1"}), "7000");
}

TEST_P(FinishItem, AnotherDaemonsLeaseIsLeftAloneAndNothingChanges) {
  const auto before = keyspace();
  EXPECT_EQ(run(lua::finish_item, kLeaseKeys, {"send|a1", "d2", ""}).integer, 0);
  EXPECT_TRUE(changed_keys(before).empty());
}
TOCSIN_SCRIPT_CONTRACT(FinishItem);

class ScheduleItem : public ScriptContract {};

TEST_P(ScheduleItem, AddsTheItemOrMovesItsDueTime) {
  const std::vector<std::string> keys{"{schedule}", "{schedule}:running"};
  const auto before = keyspace();
  EXPECT_EQ(run(lua::schedule_item, keys, {"send|a1", "5000"}).integer, 1);
  EXPECT_EQ(changed_keys(before), (std::set<std::string>{"{schedule}"}));
  EXPECT_EQ(run(lua::schedule_item, keys, {"send|a1", "6000"}).integer, 1);
  EXPECT_EQ(redis().text({"ZSCORE", "{schedule}", "send|a1"}), "6000");
}

TEST_P(ScheduleItem, AnItemRunningNowIsLeftAloneAndNothingChanges) {
  redis().command({"ZADD", "{schedule}:running", "61000", "send|a1"});
  const auto before = keyspace();
  EXPECT_EQ(
      run(lua::schedule_item, {"{schedule}", "{schedule}:running"}, {"send|a1", "5000"}).integer,
      0);
  EXPECT_TRUE(changed_keys(before).empty());
}
TOCSIN_SCRIPT_CONTRACT(ScheduleItem);

}  // namespace
}  // namespace tocsin::schedule
