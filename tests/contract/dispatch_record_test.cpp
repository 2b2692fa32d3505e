// The contract of dispatch's record step (daemon/dispatch/record.lua): one call per alert,
// every key the alert's, so it runs on plain Redis and on a cluster. What the recorder
// writes around it in other slots (the opt-out registry, q:retry, the acknowledgements, the
// receipt mappings) is tested with the recorder (tests/integration/dispatch_recorder_test.cpp).

#include <gtest/gtest.h>

#include "dispatch/record.lua.h"
#include "tests/support/script_contract.h"

namespace tocsin::dispatch {
namespace {

using testing::ScriptContract;

std::vector<std::string> record_keys() {
  return {"alert:{a1}",       "alert:{a1}:delivery", "alert:{a1}:count",    "alert:{a1}:sent",
          "alert:{a1}:audit", "alert:{a1}:retries",  "alert:{a1}:jobs_done"};
}

// The call's three fields, then each item's six.
std::vector<std::string> record_args(std::vector<std::vector<std::string>> items) {
  std::vector<std::string> args{"1700000000000", "a1", std::to_string(items.size())};
  for (auto& item : items) args.insert(args.end(), item.begin(), item.end());
  return args;
}

class Record : public ScriptContract {
 protected:
  void SetUp() override {
    ScriptContract::SetUp();
    redis().command(
        {"HSET", "alert:{a1}", "state", "sending", "jobs_pending", "1", "retries_pending", "0"});
    // Counted as targeted already, so a reach move finds the member's place.
    redis().command({"HSET", "alert:{a1}:dims", "m1", "r1|all|"});
  }
};

TEST_P(Record, ASendWritesTheStateTheIdAndTheCount) {
  const auto args = record_args({{"r", "m1", "sms", "sent", "SM1", ""}});
  const auto before = keyspace();
  EXPECT_EQ(run(lua::record, record_keys(), args).integer, 0);
  EXPECT_EQ(changed_keys(before),
            (std::set<std::string>{"alert:{a1}:delivery", "alert:{a1}:count", "alert:{a1}:sent",
                                   "alert:{a1}:reach_log", "alert:{a1}:reach_log_at"}));
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:delivery", "m1:sms"}), "sent");
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:count", "sent"}), "1");
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:sent", "m1:sms"}), "SM1");
}

// The call reads its members' states once, first, and writes them at its end: what one
// item changes, a later item of the same call still sees.
TEST_P(Record, BothChannelsOfAMemberInOneCallCountTheirReachOnceAtTheBest) {
  const auto args = record_args({{"r", "m1", "sms", "failed:timeout", "", ""},
                                 {"r", "m1", "email", "sent", "E1", ""},
                                 {"r", "m1", "sms", "sent", "SM9", ""}});
  EXPECT_EQ(run(lua::record, record_keys(), args).integer, 0);
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:delivery", "m1:sms"}), "failed:timeout")
      << "a final state is not replaced by a later item";
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:delivery", "m1:email"}), "sent");
  EXPECT_EQ(redis().integer({"HEXISTS", "alert:{a1}:sent", "m1:sms"}), 0);
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:sent", "m1:email"}), "E1");
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:count", "failed"}), "1");
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:count", "sent"}), "1");
  // The log holds the member's moves in order: none -> failed, then failed -> sent.
  EXPECT_EQ(redis().text({"LRANGE", "alert:{a1}:reach_log", "0", "-1"}),
            "m1\n\nfailed\nm1\nfailed\nsent\n");
}

TEST_P(Record, ARetryQueuedThenSentInOneCallEndsSentWithNothingPending) {
  redis().command({"HSET", "alert:{a1}:delivery", "m1:email", "sent"});
  const auto args =
      record_args({{"q", "m1", "sms", "5000", "e1", ""}, {"r", "m1", "sms", "sent", "SM2", "e1"}});
  EXPECT_EQ(run(lua::record, record_keys(), args).integer, 0);
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:delivery", "m1:sms"}), "sent");
  EXPECT_EQ(redis().integer({"ZCARD", "alert:{a1}:retries"}), 0);
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}", "retries_pending"}), "0");
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:count", "retrying"}), "") << "+1 -1: not written";
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:count", "sent"}), "1");
}

TEST_P(Record, AMemberWithAFinalStateAlreadyIsLeftAsItIs) {
  redis().command({"HSET", "alert:{a1}:delivery", "m1:sms", "delivered"});
  const auto args = record_args({{"r", "m1", "sms", "failed:timeout", "", ""}});
  const auto before = keyspace();
  EXPECT_EQ(run(lua::record, record_keys(), args).integer, 0);
  EXPECT_TRUE(changed_keys(before).empty());
}

// The registry is the recorder's (members/opt_out_registry.lua); here only the state.
TEST_P(Record, AnOptOutIsAStateAndCountedLikeAnyOther) {
  const auto args = record_args({{"r", "m1", "sms", "opted_out", "", ""}});
  run(lua::record, record_keys(), args);
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:delivery", "m1:sms"}), "opted_out");
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:count", "opted_out"}), "1");
}

TEST_P(Record, ARetryIsKeptInTheAlertsRetriesOnceAndCountedPendingOnce) {
  const auto args = record_args({{"q", "m1", "sms", "5000", "a1|m1|sms|2", ""}});
  const auto before = keyspace();
  run(lua::record, record_keys(), args);
  EXPECT_EQ(changed_keys(before),
            (std::set<std::string>{"alert:{a1}", "alert:{a1}:delivery", "alert:{a1}:count",
                                   "alert:{a1}:retries"}));
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:delivery", "m1:sms"}), "retrying");
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}", "retries_pending"}), "1");
  EXPECT_EQ(redis().text({"ZSCORE", "alert:{a1}:retries", "a1|m1|sms|2"}), "5000");
  // The same call again (its reply lost): nothing more is counted.
  const auto replayed = keyspace();
  run(lua::record, record_keys(), args);
  EXPECT_TRUE(changed_keys(replayed).empty());
}

TEST_P(Record, ARetrySentSettlesItsEntryAndItsPendingCount) {
  run(lua::record, record_keys(), record_args({{"q", "m1", "sms", "5000", "a1|m1|sms|2", ""}}));
  run(lua::record, record_keys(), record_args({{"r", "m1", "sms", "sent", "SM2", "a1|m1|sms|2"}}));
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:delivery", "m1:sms"}), "sent");
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}", "retries_pending"}), "0");
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:count", "retrying"}), "0");
  EXPECT_EQ(redis().integer({"EXISTS", "alert:{a1}:retries"}), 0);
}

TEST_P(Record, TheLastJobDoneMarksTheAlertSentWithItsAuditEntryOnce) {
  redis().command({"HSET", "alert:{a1}:count", "sent", "1"});
  const auto args = record_args({{"a", "1700000000000-0", "", "", "", ""}});
  const auto before = keyspace();
  EXPECT_EQ(run(lua::record, record_keys(), args).integer, 1);
  EXPECT_EQ(changed_keys(before),
            (std::set<std::string>{"alert:{a1}", "alert:{a1}:jobs_done", "alert:{a1}:audit"}));
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}", "state"}), "sent");
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}", "jobs_pending"}), "0");
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}", "finished_at_ms"}), "1700000000000");
  EXPECT_NE(redis()
                .text({"XRANGE", "alert:{a1}:audit", "-", "+"})
                .find("sent=1 failed=0 opted_out=0 expired=0"),
            std::string::npos);
  // Done again (a replayed batch, a job taken again after a crash): nothing changes.
  const auto replayed = keyspace();
  EXPECT_EQ(run(lua::record, record_keys(), args).integer, 0);
  EXPECT_TRUE(changed_keys(replayed).empty());
}

// Jobs still waiting in alert:{a1}:jobs:unqueued (jobs_queued 0): the last job done of what
// was queued so far does not end the send; once send_jobs.lua set jobs_queued 1, it would.
TEST_P(Record, AnAlertWithJobsStillUnqueuedIsNotFinished) {
  redis().command({"HSET", "alert:{a1}", "jobs_queued", "0"});
  const auto args = record_args({{"a", "1700000000000-0", "", "", "", ""}});
  EXPECT_EQ(run(lua::record, record_keys(), args).integer, 0);
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}", "state"}), "sending");
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}", "jobs_pending"}), "0");
}

TEST_P(Record, ACancelledRetryLeavesTheAlertsRetriesAndEndsCancelled) {
  redis().command({"HSET", "alert:{a1}:delivery", "m1:sms", "retrying"});
  redis().command({"HSET", "alert:{a1}:count", "retrying", "1"});
  redis().command({"HSET", "alert:{a1}", "state", "cancelled", "retries_pending", "1"});
  redis().command({"ZADD", "alert:{a1}:retries", "5000", "a1|m1|sms|2"});
  const auto args = record_args({{"c", "m1", "sms", "", "", "a1|m1|sms|2"}});
  const auto before = keyspace();
  EXPECT_EQ(run(lua::record, record_keys(), args).integer, 0);
  // Neither retrying nor cancelled counts in the reach: no move logged.
  EXPECT_EQ(changed_keys(before),
            (std::set<std::string>{"alert:{a1}", "alert:{a1}:delivery", "alert:{a1}:count",
                                   "alert:{a1}:retries"}));
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:delivery", "m1:sms"}), "cancelled");
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}", "retries_pending"}), "0");
  EXPECT_EQ(redis().integer({"EXISTS", "alert:{a1}:retries"}), 0);
}

TOCSIN_SCRIPT_CONTRACT(Record);

}  // namespace
}  // namespace tocsin::dispatch
