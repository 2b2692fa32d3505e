// The contract of dispatch's record step (daemon/dispatch/record.lua). One call records a
// batch for several alerts beside the global q:retry, opt-out registries, the send
// queues, the receipts' msg:<gateway>:<message id> keys and the members' phone:<E.164> sets: its
// keys cross slots by design today, so it runs on plain Redis only.

#include <gtest/gtest.h>

#include "dispatch/record.lua.h"
#include "tests/support/script_contract.h"

namespace tocsin::dispatch {
namespace {

using testing::ScriptContract;

// KEYS[1..5], then the five keys of alert a1 at index 6.
std::vector<std::string> record_keys() {
  return {"q:retry",
          "{roster}:optout:sms",
          "{roster}:optout:email",
          "{roster}:optout:sms:members",
          "{roster}:optout:email:members",
          "alert:{a1}",
          "alert:{a1}:delivery",
          "alert:{a1}:count",
          "alert:{a1}:sent",
          "alert:{a1}:audit"};
}

std::vector<std::string> record_args(int items) {
  return {"1700000000000", "dispatch", std::to_string(items), "604800"};
}

void add(std::vector<std::string>& args, std::vector<std::string> item) {
  args.insert(args.end(), item.begin(), item.end());
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

TEST_P(Record, ASendWithAReceiptKeyWritesTheStateTheIdTheCountAndTheMapping) {
  auto keys = record_keys();
  keys.insert(keys.end(), {"msg:{twilio:SM1}", "msg:{twilio:SM1}:early"});
  auto args = record_args(1);
  add(args, {"r", "a1", "6", "m1", "sms", "sent", "SM1", "", "", "11"});
  const auto before = keyspace();
  EXPECT_EQ(run(lua::record, keys, args).integer, 0);
  EXPECT_EQ(changed_keys(before),
            (std::set<std::string>{"alert:{a1}:delivery", "alert:{a1}:count", "alert:{a1}:sent",
                                   "msg:{twilio:SM1}", "alert:{a1}:reach_log",
                                   "alert:{a1}:reach_log_at"}));
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:delivery", "m1:sms"}), "sent");
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:count", "sent"}), "1");
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:sent", "m1:sms"}), "SM1");
  EXPECT_EQ(redis().text({"GET", "msg:{twilio:SM1}"}), "a1|m1|sms");
  EXPECT_GT(redis().integer({"TTL", "msg:{twilio:SM1}"}), 600000);
}

TEST_P(Record, AReceiptThatCameFirstWinsAndIsConsumed) {
  redis().command({"SET", "msg:{twilio:SM1}:early", "delivered"});
  auto keys = record_keys();
  keys.insert(keys.end(), {"msg:{twilio:SM1}", "msg:{twilio:SM1}:early"});
  auto args = record_args(1);
  add(args, {"r", "a1", "6", "m1", "sms", "sent", "SM1", "", "", "11"});
  run(lua::record, keys, args);
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:delivery", "m1:sms"}), "delivered");
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:count", "delivered"}), "1");
  EXPECT_EQ(redis().integer({"EXISTS", "msg:{twilio:SM1}:early"}), 0);
}

TEST_P(Record, AMemberWithAFinalStateAlreadyIsLeftAsItIs) {
  redis().command({"HSET", "alert:{a1}:delivery", "m1:sms", "delivered"});
  auto args = record_args(1);
  add(args, {"r", "a1", "6", "m1", "sms", "failed:timeout", "", "", "", ""});
  const auto before = keyspace();
  EXPECT_EQ(run(lua::record, record_keys(), args).integer, 0);
  EXPECT_TRUE(changed_keys(before).empty());
}

TEST_P(Record, AnSmsOptOutRegistersTheAddressAndEveryHolderOfThePhone) {
  redis().command({"SADD", "{roster}:phone:+15145550001", "m1", "m9"});
  auto keys = record_keys();
  keys.push_back("{roster}:phone:+15145550001");
  auto args = record_args(1);
  add(args, {"r", "a1", "6", "m1", "sms", "opted_out", "", "", "+15145550001", "11"});
  const auto before = keyspace();
  run(lua::record, keys, args);
  EXPECT_EQ(changed_keys(before),
            (std::set<std::string>{"alert:{a1}:delivery", "alert:{a1}:count", "{roster}:optout:sms",
                                   "{roster}:optout:sms:members", "alert:{a1}:reach_log",
                                   "alert:{a1}:reach_log_at"}));
  EXPECT_EQ(redis().text({"SMEMBERS", "{roster}:optout:sms"}), "+15145550001\n");
  EXPECT_EQ(redis().text({"SORT", "{roster}:optout:sms:members", "ALPHA"}), "m1\nm9\n");
}

TEST_P(Record, ARetryIsQueuedOnceAndCountedPendingOnce) {
  auto args = record_args(1);
  add(args, {"q", "a1", "6", "m1", "sms", "5000", "", "a1|m1|sms|2", "", ""});
  const auto before = keyspace();
  run(lua::record, record_keys(), args);
  EXPECT_EQ(changed_keys(before), (std::set<std::string>{"alert:{a1}", "alert:{a1}:delivery",
                                                         "alert:{a1}:count", "q:retry"}));
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:delivery", "m1:sms"}), "retrying");
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}", "retries_pending"}), "1");
  EXPECT_EQ(redis().text({"ZSCORE", "q:retry", "a1|m1|sms|2"}), "5000");
  // The same batch again (its reply lost): nothing more is counted.
  const auto replayed = keyspace();
  run(lua::record, record_keys(), args);
  EXPECT_TRUE(changed_keys(replayed).empty());
}

TEST_P(Record, TheLastJobAcknowledgedMarksTheAlertSentWithItsAuditEntry) {
  redis().command({"XGROUP", "CREATE", "q:send:urgent", "dispatch", "0", "MKSTREAM"});
  const std::string entry = redis().text({"XADD", "q:send:urgent", "*", "alert", "a1", "m", "m1"});
  redis().command({"XREADGROUP", "GROUP", "dispatch", "d1", "STREAMS", "q:send:urgent", ">"});
  redis().command({"HSET", "alert:{a1}:count", "sent", "1"});
  auto keys = record_keys();
  keys.push_back("q:send:urgent");
  auto args = record_args(1);
  add(args, {"a", "a1", "6", "11", entry, "", "", "", "", ""});
  const auto before = keyspace();
  EXPECT_EQ(run(lua::record, keys, args).integer, 1);
  EXPECT_EQ(changed_keys(before),
            (std::set<std::string>{"alert:{a1}", "q:send:urgent", "alert:{a1}:audit"}));
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}", "state"}), "sent");
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}", "finished_at_ms"}), "1700000000000");
  EXPECT_EQ(redis().integer({"XLEN", "q:send:urgent"}), 0);
  EXPECT_NE(redis()
                .text({"XRANGE", "alert:{a1}:audit", "-", "+"})
                .find("sent=1 failed=0 opted_out=0 expired=0"),
            std::string::npos);
  // Acknowledged again (a replayed batch): nothing changes, no second `sent`.
  const auto replayed = keyspace();
  EXPECT_EQ(run(lua::record, keys, args).integer, 0);
  EXPECT_TRUE(changed_keys(replayed).empty());
}

// Jobs still waiting in alert:{a1}:jobs:unqueued (jobs_queued 0): the last acknowledgement
// of what was queued so far does not end the send; once send_jobs.lua set jobs_queued 1,
// the same acknowledgement would.
TEST_P(Record, AnAlertWithJobsStillUnqueuedIsNotFinished) {
  redis().command({"HSET", "alert:{a1}", "jobs_queued", "0"});
  redis().command({"XGROUP", "CREATE", "q:send:urgent", "dispatch", "0", "MKSTREAM"});
  const std::string entry = redis().text({"XADD", "q:send:urgent", "*", "alert", "a1", "m", "m1"});
  redis().command({"XREADGROUP", "GROUP", "dispatch", "d1", "STREAMS", "q:send:urgent", ">"});
  auto keys = record_keys();
  keys.push_back("q:send:urgent");
  auto args = record_args(1);
  add(args, {"a", "a1", "6", "11", entry, "", "", "", "", ""});
  EXPECT_EQ(run(lua::record, keys, args).integer, 0);
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}", "state"}), "sending");
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}", "jobs_pending"}), "0");
}

TEST_P(Record, ACancelledRetryLeavesTheQueueAndEndsCancelled) {
  redis().command({"HSET", "alert:{a1}:delivery", "m1:sms", "retrying"});
  redis().command({"HSET", "alert:{a1}:count", "retrying", "1"});
  redis().command({"HSET", "alert:{a1}", "state", "cancelled", "retries_pending", "1"});
  redis().command({"ZADD", "q:retry", "5000", "a1|m1|sms|2"});
  auto args = record_args(1);
  add(args, {"c", "a1", "6", "m1", "sms", "", "", "", "a1|m1|sms|2", ""});
  const auto before = keyspace();
  EXPECT_EQ(run(lua::record, record_keys(), args).integer, 0);
  // Neither retrying nor cancelled counts in the reach: no move logged.
  EXPECT_EQ(changed_keys(before), (std::set<std::string>{"alert:{a1}", "alert:{a1}:delivery",
                                                         "alert:{a1}:count", "q:retry"}));
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:delivery", "m1:sms"}), "cancelled");
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}", "retries_pending"}), "0");
  EXPECT_EQ(redis().integer({"ZCARD", "q:retry"}), 0);
}
TOCSIN_SCRIPT_CONTRACT_STANDALONE_ONLY(Record);

}  // namespace
}  // namespace tocsin::dispatch
