// The contracts of the turnout's scripts (daemon/turnout/*.lua): applying an alert's reach
// log. (Counting members as targeted is send_jobs.lua's: dispatch_send_jobs_test.cpp.)

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/support/script_contract.h"
#include "turnout/apply_moves.lua.h"
#include "turnout/reach_log.h"

namespace tocsin::turnout {
namespace {

using testing::ScriptContract;

class ApplyMoves : public ScriptContract {
 protected:
  void SetUp() override {
    ScriptContract::SetUp();
    redis().command({"HSET", "alert:{a1}", "state", "sending"});
    redis().command({"HSET", "alert:{a1}:dims", "m1", "est|all|", "m2", "est|all|"});
    redis().command({"HSET", "alert:{a1}:reach", "est|all|targeted", "2"});
  }
};

TEST_P(ApplyMoves, CountsEachLoggedMoveAndEmptiesTheLog) {
  redis().command({"RPUSH", "alert:{a1}:reach_log", "m1", "", "sent", "m2", "", "sent", "m1",
                   "sent", "delivered"});
  redis().command({"SET", "alert:{a1}:reach_log_at", "1000"});
  const auto before = keyspace();
  auto reply = run(lua::apply_moves, apply_moves_keys("a1"), {});
  EXPECT_EQ(reply.integer, 3);
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:reach", "est|all|sent"}), "1");
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:reach", "est|all|delivered"}), "1");
  EXPECT_EQ(changed_keys(before),
            (std::set<std::string>{"alert:{a1}:reach", "alert:{a1}:reach_log",
                                   "alert:{a1}:reach_log_at", "alert:{a1}:regions",
                                   "alert:{a1}:turnout_version", "alert:{a1}:turnout_tracked",
                                   "alert:{a1}:reach:moved", "alert:{a1}:turnout_at"}));
  EXPECT_EQ(redis().integer({"EXISTS", "alert:{a1}:reach_log", "alert:{a1}:reach_log_at"}), 0);
}

TEST_P(ApplyMoves, WithoutALogNothingIsAppliedAndNothingChanges) {
  const auto before = keyspace();
  auto reply = run(lua::apply_moves, apply_moves_keys("a1"), {});
  EXPECT_EQ(reply.integer, 0);
  EXPECT_TRUE(changed_keys(before).empty());
}
// Every member of these tests is placed in alert:{a1}:dims: the keys stay in the alert's
// slot.
TOCSIN_SCRIPT_CONTRACT(ApplyMoves);


}  // namespace
}  // namespace tocsin::turnout
