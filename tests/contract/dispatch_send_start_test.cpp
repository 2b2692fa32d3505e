// The contracts of starting and scheduling a send (daemon/dispatch/send_start.lua,
// send_schedule.lua). They write the alert's keys alone: its audit entry to its trail, its
// scheduler items to its outbox (applied by the caller: schedule/schedule_outbox.h), so they
// run on plain Redis and on a cluster.

#include <gtest/gtest.h>

#include <tuple>

#include "dispatch/send_schedule.lua.h"
#include "dispatch/send_start.lua.h"
#include "redis/decode.h"
#include "tests/support/script_contract.h"

namespace tocsin::dispatch {
namespace {

using testing::ScriptContract;

const std::string kStaged = "alert:{a1}:audience:staging:7";
const std::string kStagedJobs = "alert:{a1}:jobs:staging:7";
const std::string kUnqueued = "alert:{a1}:jobs:unqueued";
const std::string kOutbox = "alert:{a1}:schedule_out";
const std::vector<std::string> kStartKeys{"alert:{a1}", kStaged,   "alert:{a1}:audience",
                                          kStagedJobs,  kUnqueued, "alert:{a1}:audit",
                                          kOutbox};
const std::vector<std::string> kScheduleKeys{"alert:{a1}", kStaged, "alert:{a1}:audit", kOutbox};

using Started = std::tuple<std::string, std::string, int64_t, int64_t>;

class SendStart : public ScriptContract {
 protected:
  void SetUp() override {
    ScriptContract::SetUp();
    redis().command({"HSET", "alert:{a1}", "state", "draft", "created_by_token", "t1"});
    stage();
  }
  // As audience_stage.lua leaves them: three members in two jobs.
  void stage() {
    redis().command({"SADD", kStaged, "m1", "m2", "m3"});
    redis().command({"RPUSH", kStagedJobs, "job 1", "job 2"});
  }
  // now, actor, threshold, the queue item's due time, id, origin, token, then the waves'
  // due times.
  Started start(std::vector<std::string> args) {
    auto started = redis::decode<Started>(run(lua::send_start, kStartKeys, args));
    EXPECT_TRUE(started);
    return started ? *started : Started{};
  }
};

// The outbox's entries, one line of fields each.
std::string outbox(testing::RedisSync& redis) {
  std::string out;
  for (const auto& entry : redis.command({"XRANGE", kOutbox, "-", "+"}).elements) {
    for (const auto& field : entry.elements.at(1).elements) out += field.str + " ";
    out += "\n";
  }
  return out;
}

// O(1) however large the audience: two RENAMEs, no job written to the queue yet.
TEST_P(SendStart, FreezesTheAudienceKeepsItsJobsUnqueuedAndSchedulesTheirQueuingAndWaves) {
  redis().command({"EXPIRE", kStaged, "3600"});
  redis().command({"EXPIRE", kStagedJobs, "3600"});
  const auto before = keyspace();
  EXPECT_EQ(start({"1000", "Ana", "10", "6000", "a1", "officer", "t1", "61000"}),
            (Started{"started", "sending", 3, 2}));
  EXPECT_EQ(changed_keys(before),
            (std::set<std::string>{"alert:{a1}", kStaged, "alert:{a1}:audience", kStagedJobs,
                                   kUnqueued, "alert:{a1}:audit", kOutbox}));
  EXPECT_EQ(redis().integer({"SCARD", "alert:{a1}:audience"}), 3);
  EXPECT_EQ(redis().integer({"LLEN", kUnqueued}), 2);
  EXPECT_EQ(redis().integer({"TTL", "alert:{a1}:audience"}), -1);
  EXPECT_EQ(redis().integer({"TTL", kUnqueued}), -1);
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}", "jobs_pending"}), "0");
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}", "jobs_queued"}), "0");
  EXPECT_EQ(outbox(redis()),
            "op add item queue|a1 due 6000 \n"
            "op add item wave|a1|1 due 61000 \n");
}

TEST_P(SendStart, AnEmptyAudienceIsSentAtOnceWithNoJobAndNoWave) {
  redis().command({"DEL", kStaged, kStagedJobs});
  EXPECT_EQ(start({"1000", "Ana", "10", "6000", "a1", "officer", "t1", "61000"}),
            (Started{"started", "sent", 0, 0}));
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}", "finished_at_ms"}), "1000");
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}", "jobs_queued"}), "1");
  EXPECT_EQ(redis().integer({"EXISTS", kOutbox, kUnqueued}), 0);
}

TEST_P(SendStart, ARefusalOnlyDropsTheStagedAudienceAndJobs) {
  redis().command({"HSET", "alert:{a1}", "state", "sending"});
  auto before = keyspace();
  EXPECT_EQ(start({"1000", "Ana", "10", "6000", "a1", "officer", "t1"}),
            (Started{"wrong_state", "sending", 0, 0}));
  EXPECT_EQ(changed_keys(before), (std::set<std::string>{kStaged, kStagedJobs}));

  redis().command({"HSET", "alert:{a1}", "state", "draft"});
  stage();
  before = keyspace();
  EXPECT_EQ(start({"1000", "Ana", "2", "6000", "a1", "officer", "t1"}),
            (Started{"needs_approval", "draft", 3, 0}));
  EXPECT_EQ(changed_keys(before), (std::set<std::string>{kStaged, kStagedJobs}));
}

TEST_P(SendStart, TheSchedulerOnlyStartsAScheduledAlertAndCancelsOnePastItsExpiry) {
  auto before = keyspace();
  EXPECT_EQ(start({"1000", "Ana", "10", "6000", "a1", "schedule", ""}),
            (Started{"wrong_state", "draft", 0, 0}));
  EXPECT_EQ(changed_keys(before), (std::set<std::string>{kStaged, kStagedJobs}));

  redis().command({"HSET", "alert:{a1}", "state", "scheduled", "expires_at_ms", "500"});
  stage();
  before = keyspace();
  EXPECT_EQ(start({"1000", "Ana", "10", "6000", "a1", "schedule", ""}),
            (Started{"expired", "cancelled", 0, 0}));
  EXPECT_EQ(changed_keys(before), (std::set<std::string>{"alert:{a1}", kStaged, kStagedJobs,
                                                         "alert:{a1}:audit"}));
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}", "cancelled_by"}), "expiry");
}
TOCSIN_SCRIPT_CONTRACT(SendStart);

using Scheduled = std::tuple<std::string, std::string, int64_t>;

class SendSchedule : public ScriptContract {
 protected:
  void SetUp() override {
    ScriptContract::SetUp();
    redis().command({"HSET", "alert:{a1}", "state", "draft", "created_by_token", "t1"});
    redis().command({"SADD", kStaged, "m1", "m2"});
  }
  Scheduled schedule(const std::string& threshold = "10") {
    auto scheduled = redis::decode<Scheduled>(
        run(lua::send_schedule, kScheduleKeys, {"1000", "Ana", threshold, "a1", "90000", "t1"}));
    EXPECT_TRUE(scheduled);
    return scheduled ? *scheduled : Scheduled{};
  }
};

TEST_P(SendSchedule, MarksTheAlertScheduledAndAddsItsItemWithoutFreezing) {
  const auto before = keyspace();
  EXPECT_EQ(schedule(), (Scheduled{"scheduled", "scheduled", 2}));
  EXPECT_EQ(changed_keys(before),
            (std::set<std::string>{"alert:{a1}", kStaged, "alert:{a1}:audit", kOutbox}));
  // Not over an item running now: applied so (schedule/schedule_relay.lua).
  EXPECT_EQ(outbox(redis()), "op add_unless_running item send|a1 due 90000 \n");
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}", "send_at_ms"}), "90000");
  EXPECT_EQ(redis().integer({"EXISTS", "alert:{a1}:audience"}), 0);
}

TEST_P(SendSchedule, ARefusalOnlyDropsTheStagedAudience) {
  const auto before = keyspace();
  EXPECT_EQ(schedule("1"), (Scheduled{"needs_approval", "draft", 2}));
  EXPECT_EQ(changed_keys(before), (std::set<std::string>{kStaged}));
}
TOCSIN_SCRIPT_CONTRACT(SendSchedule);

}  // namespace
}  // namespace tocsin::dispatch
