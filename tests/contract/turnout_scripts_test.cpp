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
TEST_P(ApplyMoves, AMemberNotPlacedIsCountedAsTargetedOnceWhereNobodyIsThenMoved) {
  // Never in practice (their job's queuing places them first), but the counts must hold:
  // targeted stays at least what it is split into, and the second move finds the place the
  // first one gave, within the same slice of the log.
  redis().command({"RPUSH", "alert:{a1}:reach_log", "m9", "", "sent", "m9", "sent", "delivered"});
  auto reply = run(lua::apply_moves, apply_moves_keys("a1"), {});
  EXPECT_EQ(reply.integer, 2);
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:dims", "m9"}), "-|all|");
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:reach", "-|all|targeted"}), "1");
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:reach", "-|all|delivered"}), "1");
  EXPECT_EQ(redis().integer({"HEXISTS", "alert:{a1}:reach", "-|all|sent"}), 0);
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:reach", "est|all|targeted"}), "2");
}

TEST_P(ApplyMoves, ALogLongerThanOneSliceIsAppliedWhole) {
  // 1,000 members placed in two regions, each sent then delivered: 2,000 moves, popped and
  // placed a slice at a time.
  std::vector<std::string> dims = {"HSET", "alert:{a1}:dims"};
  std::vector<std::string> log = {"RPUSH", "alert:{a1}:reach_log"};
  for (int i = 0; i < 1000; ++i) {
    const std::string member = "x" + std::to_string(i);
    dims.insert(dims.end(), {member, i % 2 == 0 ? "est|all|" : "ouest|all|"});
    log.insert(log.end(), {member, "", "sent"});
  }
  for (int i = 0; i < 1000; ++i)
    log.insert(log.end(), {"x" + std::to_string(i), "sent", "delivered"});
  redis().command(dims);
  redis().command(log);
  auto reply = run(lua::apply_moves, apply_moves_keys("a1"), {});
  EXPECT_EQ(reply.integer, 2000);
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:reach", "est|all|delivered"}), "500");
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:reach", "ouest|all|delivered"}), "500");
  EXPECT_EQ(redis().integer({"HEXISTS", "alert:{a1}:reach", "est|all|sent"}), 0);
  EXPECT_EQ(redis().integer({"EXISTS", "alert:{a1}:reach_log"}), 0);
}
TEST_P(ApplyMoves, AFieldAlreadyNotedForThePublisherIsNotAddedAgain) {
  // An SADD that adds anything goes to the AOF with every field it names: the fields the
  // publisher has not taken yet are left out of it.
  redis().command({"RPUSH", "alert:{a1}:reach_log", "m1", "", "sent", "m2", "", "sent"});
  run(lua::apply_moves, apply_moves_keys("a1"), {});
  ASSERT_GT(redis().integer({"SCARD", "alert:{a1}:reach:moved"}), 0);
  auto sadd_calls = [&] {
    const std::string stats = redis().text({"INFO", "commandstats"});
    const size_t at = stats.find("cmdstat_sadd:calls=");
    return at == std::string::npos ? 0 : std::stoi(stats.substr(at + 19));
  };
  // m1 sent -> delivered notes est|all|delivered; delivered -> sent then moves the same two
  // fields back: nothing new to note.
  redis().command({"RPUSH", "alert:{a1}:reach_log", "m1", "sent", "delivered"});
  run(lua::apply_moves, apply_moves_keys("a1"), {});
  const auto both = redis().command({"SMEMBERS", "alert:{a1}:reach:moved"});
  redis().command({"CONFIG", "RESETSTAT"});
  redis().command({"RPUSH", "alert:{a1}:reach_log", "m1", "delivered", "sent"});
  run(lua::apply_moves, apply_moves_keys("a1"), {});
  EXPECT_EQ(sadd_calls(), 1) << "the regions' SADD only, none for :moved";
  EXPECT_EQ(redis().command({"SMEMBERS", "alert:{a1}:reach:moved"}).elements.size(),
            both.elements.size());
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:reach", "est|all|sent"}), "2");
}

// Every member of these tests is placed in alert:{a1}:dims: the keys stay in the alert's
// slot.
TOCSIN_SCRIPT_CONTRACT(ApplyMoves);

}  // namespace
}  // namespace tocsin::turnout
