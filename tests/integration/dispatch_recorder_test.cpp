// The recorder writing a batch in its one-slot steps (dispatch/record_plan.h) against a
// real redis-server: a sent message's state, receipt mapping and acknowledged job; a
// receipt that came before the record; a gateway's opt-out in the registry before the state;
// a retry through the alert's own record to the shared q:retry and out again; and the
// start's repair of a retry a crash kept out of q:retry (dispatch/retry_repair.h).

#include <gtest/gtest.h>

#include "dispatch/dispatch_keys.h"
#include "dispatch/recorder.h"
#include "dispatch/retry_repair.h"
#include "redis/decode.h"
#include "tests/support/redis_client_fixture.h"
#include "tests/support/redis_sync.h"

namespace tocsin::dispatch {
namespace {

namespace asio = boost::asio;

class DispatchRecorder : public testing::RedisClientFixture {
 protected:
  // An alert sending one job, entry 1-1 of q:send:urgent, read by the consumer group; its
  // member m1 counted as targeted.
  static std::vector<redis::Command> sending_alert() {
    return {{"ZADD", "alerts", "1", "a1"},
            {"HSET", "alert:{a1}", "state", "sending", "jobs_pending", "1", "retries_pending", "0",
             "jobs_queued", "1"},
            {"HSET", "alert:{a1}:dims", "m1", "r1|all|", "m2", "r1|all|"},
            {"XGROUP", "CREATE", "q:send:urgent", "dispatch", "0", "MKSTREAM"},
            {"XADD", "q:send:urgent", "1-1", "alert", "a1", "m", "m1"},
            {"XREADGROUP", "GROUP", "dispatch", "d1", "STREAMS", "q:send:urgent", ">"}};
  }

  // Writes `items` through a Recorder, as the engine does; true once all are written.
  asio::awaitable<bool> record(std::vector<RecordItem> items) {
    Recorder recorder(io_.get_executor(), client_, "dispatch");
    size_t written = 0;
    recorder.on_written(
        [&written](const std::vector<RecordItem>& batch) { written += batch.size(); });
    const size_t count = items.size();
    for (auto& item : items) recorder.add(std::move(item));
    recorder.stop();  // run() writes the backlog, then returns
    co_await recorder.run(std::chrono::seconds(5));
    co_return written == count;
  }

  // Writes `items` within run(), then reads back with the synchronous client.
  bool record_all(std::vector<redis::Command> seed, std::vector<RecordItem> items) {
    bool done = false;
    run(std::move(seed),
        [&]() -> asio::awaitable<void> { done = co_await record(std::move(items)); });
    return done;
  }

  std::string text(const std::vector<std::string>& command) { return redis_.text(command); }
  int64_t integer(const std::vector<std::string>& command) { return redis_.integer(command); }

  testing::RedisSync redis_{server_.port()};
};

RecordResult sent(std::string member, std::string message_id) {
  return {.alert_id = "a1",
          .member_id = std::move(member),
          .channel = "sms",
          .state = "sent",
          .message_id = message_id,
          .receipt_key = keys::receipt("twilio", message_id),
          .is_message = true};
}

TEST_F(DispatchRecorder, ASentMessageIsRecordedMappedAndItsJobAcknowledgedTheAlertSent) {
  ASSERT_TRUE(record_all(
      sending_alert(), {sent("m1", "SM1"),
                        RecordAck{.alert_id = "a1", .queue = "q:send:urgent", .entry_id = "1-1"}}));
  EXPECT_EQ(text({"HGET", "alert:{a1}:delivery", "m1:sms"}), "sent");
  EXPECT_EQ(text({"HGET", "alert:{a1}:sent", "m1:sms"}), "SM1");
  EXPECT_EQ(text({"GET", "msg:{twilio:SM1}"}), "a1|m1|sms");
  EXPECT_GT(integer({"TTL", "msg:{twilio:SM1}"}), 600000);
  EXPECT_EQ(integer({"XLEN", "q:send:urgent"}), 0);
  EXPECT_EQ(text({"XPENDING", "q:send:urgent", "dispatch"}).substr(0, 2), "0\n");
  EXPECT_EQ(text({"HGET", "alert:{a1}", "state"}), "sent");
  EXPECT_NE(text({"XRANGE", "audit", "-", "+"}).find("alert.sent"), std::string::npos);
}

TEST_F(DispatchRecorder, AReceiptThatCameBeforeTheRecordIsAppliedOnceRecorded) {
  auto seed = sending_alert();
  seed.push_back({"SET", "msg:{twilio:SM1}:early", "delivered", "EX", "600"});
  ASSERT_TRUE(record_all(seed, {sent("m1", "SM1")}));
  EXPECT_EQ(text({"HGET", "alert:{a1}:delivery", "m1:sms"}), "delivered");
  EXPECT_EQ(text({"HGET", "alert:{a1}:count", "delivered"}), "1");
  EXPECT_EQ(text({"HGET", "alert:{a1}:count", "sent"}), "0");
  EXPECT_EQ(integer({"EXISTS", "msg:{twilio:SM1}:early"}), 0);
}

TEST_F(DispatchRecorder, AGatewaysOptOutReachesTheRegistryAndEveryHolderOfThePhone) {
  auto seed = sending_alert();
  seed.push_back({"SADD", "{roster}:phone:+15145550001", "m1", "m9"});
  RecordResult refused{.alert_id = "a1",
                       .member_id = "m1",
                       .channel = "sms",
                       .state = "opted_out",
                       .address = "+15145550001",
                       .is_message = true};
  ASSERT_TRUE(record_all(seed, {refused}));
  EXPECT_EQ(text({"HGET", "alert:{a1}:delivery", "m1:sms"}), "opted_out");
  EXPECT_EQ(integer({"SISMEMBER", "{roster}:optout:sms", "+15145550001"}), 1);
  EXPECT_EQ(text({"SORT", "{roster}:optout:sms:members", "ALPHA"}), "m1\nm9\n");
}

TEST_F(DispatchRecorder, ARetryReachesTheSharedQueueAndLeavesItWhenSent) {
  RecordRetry retry{.alert_id = "a1",
                    .member_id = "m2",
                    .channel = "sms",
                    .due_ms = 5000,
                    .entry_to_add = "a1|m2|sms|2",
                    .is_message = true};
  RecordResult again = sent("m2", "SM2");
  again.entry_to_remove = "a1|m2|sms|2";
  std::string queued, kept, pending;
  run(sending_alert(), [&]() -> asio::awaitable<void> {
    std::vector<RecordItem> first{retry}, second{again};
    CO_ASSERT_TRUE(co_await record(std::move(first)));
    queued = text({"ZSCORE", "q:retry", "a1|m2|sms|2"});
    kept = text({"ZSCORE", "alert:{a1}:retries", "a1|m2|sms|2"});
    pending = text({"HGET", "alert:{a1}", "retries_pending"});
    CO_ASSERT_TRUE(co_await record(std::move(second)));
  });
  EXPECT_EQ(queued, "5000");
  EXPECT_EQ(kept, "5000");
  EXPECT_EQ(pending, "1");
  EXPECT_EQ(integer({"EXISTS", "q:retry"}), 0);
  EXPECT_EQ(integer({"EXISTS", "alert:{a1}:retries"}), 0);
  EXPECT_EQ(text({"HGET", "alert:{a1}", "retries_pending"}), "0");
  EXPECT_EQ(text({"HGET", "alert:{a1}:delivery", "m2:sms"}), "sent");
}

// A daemon killed between the record step and its q:retry write: at start, the alert's own
// record puts the entry back; one already in q:retry keeps its lease; an alert no longer
// sending gets nothing back.
TEST_F(DispatchRecorder, TheStartPutsBackTheRetriesACrashKeptOutOfTheSharedQueue) {
  std::vector<redis::Command> seed{
      {"ZADD", "alerts", "1", "a1", "2", "a2"},
      {"HSET", "alert:{a1}", "state", "sending"},
      {"HSET", "alert:{a2}", "state", "cancelled"},
      {"ZADD", "alert:{a1}:retries", "5000", "a1|m1|sms|2", "6000", "a1|m2|sms|2"},
      {"ZADD", "alert:{a2}:retries", "5000", "a2|m1|sms|2"},
      {"ZADD", "q:retry", "99999", "a1|m2|sms|2"}};
  size_t restored = 99, again = 99;
  run(seed, [&]() -> asio::awaitable<void> {
    auto first = co_await repair_retry_queue(client_);
    CO_ASSERT_TRUE(first.has_value());
    restored = *first;
    auto second = co_await repair_retry_queue(client_);
    CO_ASSERT_TRUE(second.has_value());
    again = *second;
  });
  EXPECT_EQ(restored, 1u);
  EXPECT_EQ(again, 0u);
  EXPECT_EQ(text({"ZSCORE", "q:retry", "a1|m1|sms|2"}), "5000");
  EXPECT_EQ(text({"ZSCORE", "q:retry", "a1|m2|sms|2"}), "99999");
  EXPECT_EQ(text({"ZSCORE", "q:retry", "a2|m1|sms|2"}), "");
}

}  // namespace
}  // namespace tocsin::dispatch
