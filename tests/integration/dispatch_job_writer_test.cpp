// Queuing a sending alert's jobs through the alert's outbox (dispatch/job_writer.h), against
// a real redis-server: the writer's calls put every job on the send queue exactly once;
// jobs a crash left in the outbox, not yet relayed, reach the queue once, through the next
// writer's call or through the relay sweep.

#include "dispatch/job_writer.h"

#include <gtest/gtest.h>

#include <map>

#include "alerts/alert_relay.h"
#include "dispatch/dispatch_keys.h"
#include "redis/decode.h"
#include "tests/support/redis_client_fixture.h"
#include "util/clock.h"

namespace tocsin::dispatch {
namespace {

namespace asio = boost::asio;

const std::string kQueue = std::string(keys::kUrgentQueue);

// A sending alert with `jobs` staged jobs of two members each (m0 m1, m2 m3...), as
// audience_stage.lua leaves them.
std::vector<redis::Command> sending_alert(int jobs) {
  std::vector<redis::Command> seed{{"HSET", "alert:{a1}", "state", "sending", "jobs_pending", "0",
                                    "jobs_queued", "0", "retries_pending", "0"},
                                   {"ZADD", "alerts", "1", "a1"}};
  for (int j = 0; j < jobs; ++j) {
    seed.push_back({"EVAL", "return redis.call('RPUSH', KEYS[1], cmsgpack.pack(ARGV))", "1",
                    keys::unqueued_jobs("a1"), "m" + std::to_string(2 * j),
                    "m" + std::to_string(2 * j + 1)});
  }
  return seed;
}

class JobWriter : public testing::RedisClientFixture {
 protected:
  // How many times each member is on the send queue.
  asio::awaitable<std::map<std::string, int>> queued_members() {
    redis::Command read{"XRANGE", kQueue, "-", "+"};
    auto reply = co_await client_.exec(std::move(read));
    std::map<std::string, int> seen;
    if (!reply) co_return seen;
    for (const auto& entry : reply->elements) {
      const auto& fields = entry.elements.at(1).elements;
      for (size_t i = 0; i + 1 < fields.size(); i += 2) {
        if (fields[i].str == "m") ++seen[fields[i + 1].str];
      }
    }
    co_return seen;
  }
  SystemClock clock_;
};

TEST_F(JobWriter, EveryJobReachesTheSendQueueOnce) {
  run(sending_alert(25), [&]() -> asio::awaitable<void> {
    int wakes = 0;
    JobWriterOptions options{.jobs_per_call = 10, .on_queued = [&wakes] { ++wakes; }};
    const std::string alert = "a1";
    auto step = co_await write_jobs(client_, clock_, alert, kQueue, options);
    CO_ASSERT_TRUE(step.has_value());
    EXPECT_EQ(*step, WriterStep::done);
    EXPECT_EQ(wakes, 3);  // 10, 10, 5
    const auto seen = co_await queued_members();
    EXPECT_EQ(seen.size(), 50u);
    for (const auto& [member, times] : seen) EXPECT_EQ(times, 1) << member;
  });
}

TEST_F(JobWriter, JobsACrashLeftInTheOutboxAreQueuedOnceByTheNextWriter) {
  auto seed = sending_alert(3);
  // A writer queued one job to the outbox, then died before relaying it.
  seed.push_back(
      {"XADD", keys::jobs_outbox("a1", kQueue), "*", "alert", "a1", "m", "x0", "m", "x1"});
  run(std::move(seed), [&]() -> asio::awaitable<void> {
    const std::string alert = "a1";
    const JobWriterOptions options;
    auto step = co_await write_jobs(client_, clock_, alert, kQueue, options);
    CO_ASSERT_TRUE(step.has_value());
    const auto seen = co_await queued_members();
    EXPECT_EQ(seen.size(), 8u);
    for (const auto& [member, times] : seen) EXPECT_EQ(times, 1) << member;
  });
}

TEST_F(JobWriter, JobsACrashLeftInTheOutboxAreQueuedOnceByTheSweep) {
  auto seed = sending_alert(0);
  seed.push_back({"XADD", keys::jobs_outbox("a1", kQueue), "*", "alert", "a1", "m", "x0"});
  run(std::move(seed), [&]() -> asio::awaitable<void> {
    const std::vector<alerts::OutboxRoute> routes{jobs_route(keys::kUrgentQueue),
                                                  jobs_route(keys::kRoutineQueue)};
    auto swept = co_await alerts::sweep_relays(client_, routes);
    CO_ASSERT_TRUE(swept.has_value());
    EXPECT_EQ(*swept, 1u);
    auto again = co_await alerts::sweep_relays(client_, routes);
    CO_ASSERT_TRUE(again.has_value());
    EXPECT_EQ(*again, 0u);
    const auto seen = co_await queued_members();
    const std::map<std::string, int> once{{"x0", 1}};
    EXPECT_EQ(seen, once);
  });
}

}  // namespace
}  // namespace tocsin::dispatch
