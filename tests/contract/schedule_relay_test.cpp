// The contract of applying an alert's scheduler items (daemon/schedule/schedule_relay.lua,
// through schedule/schedule_outbox.h): the outbox's entries applied to the scheduler's ZSETs
// in order, and its cursor moved in the same step, only from the cursor the caller read. Its
// keys all carry the `{schedule}` tag, so it runs on plain Redis and on a cluster.

#include <gtest/gtest.h>

#include "schedule/schedule_relay.lua.h"
#include "tests/support/script_contract.h"

namespace tocsin::schedule {
namespace {

using testing::ScriptContract;

const std::vector<std::string> kKeys{"{schedule}", "{schedule}:relayed", "{schedule}:running"};
const std::string kOutbox = "alert:{a1}:schedule_out";

class ScheduleRelay : public ScriptContract {};

TEST_P(ScheduleRelay, AppliesTheItemsInOrderAndMovesTheCursor) {
  redis().command({"ZADD", "{schedule}", "100", "queue|a1"});
  const auto before = keyspace();
  auto reply = run(lua::schedule_relay, kKeys,
                   {kOutbox, "", "7-0",                                            //
                    "6", "op", "add", "item", "wave|a1|1", "due", "61000",          //
                    "4", "op", "remove", "item", "queue|a1",                        //
                    "6", "op", "add", "item", "queue|a1", "due", "9000"});
  EXPECT_EQ(reply.integer, 1) << reply.str;
  EXPECT_EQ(changed_keys(before), (std::set<std::string>{"{schedule}", "{schedule}:relayed"}));
  // Removed, then added again: in order.
  EXPECT_EQ(redis().text({"ZRANGE", "{schedule}", "0", "-1", "WITHSCORES"}),
            "queue|a1\n9000\nwave|a1|1\n61000\n");
  EXPECT_EQ(redis().text({"HGET", "{schedule}:relayed", kOutbox}), "7-0");
}

TEST_P(ScheduleRelay, AnItemRunningNowIsNotAddedOverIt) {
  redis().command({"ZADD", "{schedule}:running", "5000", "send|a1"});
  run(lua::schedule_relay, kKeys,
      {kOutbox, "", "3-0", "6", "op", "add_unless_running", "item", "send|a1", "due", "90000"});
  EXPECT_EQ(redis().integer({"EXISTS", "{schedule}"}), 0);
  redis().command({"DEL", "{schedule}:running"});
  run(lua::schedule_relay, kKeys,
      {kOutbox, "3-0", "4-0", "6", "op", "add_unless_running", "item", "send|a1", "due",
       "90000"});
  EXPECT_EQ(redis().text({"ZSCORE", "{schedule}", "send|a1"}), "90000");
}

TEST_P(ScheduleRelay, ACursorMovedSinceItWasReadAppliesNothing) {
  redis().command({"HSET", "{schedule}:relayed", kOutbox, "5-0"});
  const auto before = keyspace();
  EXPECT_EQ(run(lua::schedule_relay, kKeys,
                {kOutbox, "", "6-0", "6", "op", "add", "item", "queue|a1", "due", "1"})
                .integer,
            0);
  EXPECT_TRUE(changed_keys(before).empty());
}
TOCSIN_SCRIPT_CONTRACT(ScheduleRelay);

}  // namespace
}  // namespace tocsin::schedule
