// The contract of queuing a sending alert's jobs (daemon/dispatch/send_jobs.lua), with the
// finish rule it shares with record.lua (dispatch/finish_lib.lua). Beside the alert's keys
// it writes the global send queue, audit stream and the scheduler's `{schedule}`, so it runs
// on plain Redis only.

#include <gtest/gtest.h>

#include <map>
#include <tuple>

#include "dispatch/send_jobs.lua.h"
#include "redis/decode.h"
#include "tests/support/script_contract.h"

namespace tocsin::dispatch {
namespace {

using testing::ScriptContract;

const std::string kAlert = "alert:{a1}";
const std::string kUnqueued = "alert:{a1}:jobs:unqueued";
const std::vector<std::string> kKeys{kAlert,          kUnqueued, "alert:{a1}:count", "audit",
                                     "q:send:urgent", "{schedule}"};

using Reply = std::tuple<std::string, int64_t, int64_t>;

class SendJobs : public ScriptContract {
 protected:
  void SetUp() override {
    ScriptContract::SetUp();
    redis().command({"HSET", kAlert, "state", "sending", "jobs_pending", "0", "jobs_queued", "0",
                     "retries_pending", "0"});
  }
  // Stages `jobs` jobs of two members each, as audience_stage.lua does: m<n>.
  void stage(int jobs) {
    for (int j = 0; j < jobs; ++j) {
      run("redis.call('RPUSH', KEYS[1], cmsgpack.pack({ARGV[1], ARGV[2]}))", {kUnqueued},
          {"m" + std::to_string(2 * j), "m" + std::to_string(2 * j + 1)});
    }
  }
  Reply queue(const std::string& per_call) {
    auto reply = redis::decode<Reply>(run(lua::send_jobs, kKeys, {per_call, "a1", "5000"}));
    EXPECT_TRUE(reply);
    return reply ? *reply : Reply{};
  }
  // How many stream entries name each member.
  std::map<std::string, int> queued_members() {
    std::map<std::string, int> seen;
    for (const auto& entry : redis().command({"XRANGE", "q:send:urgent", "-", "+"}).elements) {
      const auto& fields = entry.elements.at(1).elements;
      EXPECT_EQ(fields.at(0).str, "alert");
      EXPECT_EQ(fields.at(1).str, "a1");
      for (size_t i = 2; i + 1 < fields.size(); i += 2) {
        EXPECT_EQ(fields[i].str, "m");
        seen[fields[i + 1].str]++;
      }
    }
    return seen;
  }
  std::string field(const std::string& name) { return redis().text({"HGET", kAlert, name}); }
};

TEST_P(SendJobs, QueuesAtMostNJobsPerCallAndCountsThemPending) {
  stage(45);
  const auto before = keyspace();
  EXPECT_EQ(queue("20"), (Reply{"queued", 20, 25}));
  EXPECT_EQ(changed_keys(before), (std::set<std::string>{kAlert, kUnqueued, "q:send:urgent"}));
  EXPECT_EQ(redis().integer({"XLEN", "q:send:urgent"}), 20);
  EXPECT_EQ(field("jobs_pending"), "20");
  EXPECT_EQ(field("jobs_queued"), "0");
}

TEST_P(SendJobs, TheLastCallMarksEveryJobQueuedAndNoMemberIsQueuedTwice) {
  stage(45);
  redis().command({"ZADD", "{schedule}", "6000", "queue|a1"});
  queue("20");
  queue("20");
  EXPECT_EQ(redis().integer({"ZCARD", "{schedule}"}), 1);  // the backstop waits meanwhile
  EXPECT_EQ(queue("20"), (Reply{"done", 5, 0}));
  EXPECT_EQ(redis().integer({"ZCARD", "{schedule}"}), 0);  // nothing left for it
  EXPECT_EQ(field("jobs_queued"), "1");
  EXPECT_EQ(field("jobs_pending"), "45");
  EXPECT_EQ(field("state"), "sending");  // its jobs are still to be sent
  EXPECT_EQ(redis().integer({"EXISTS", kUnqueued}), 0);
  const auto seen = queued_members();
  EXPECT_EQ(seen.size(), 90u);
  for (const auto& [member, times] : seen) EXPECT_EQ(times, 1) << member;
  // Called again (the scheduler's item after the writer): nothing more.
  const auto before = keyspace();
  EXPECT_EQ(queue("20"), (Reply{"done", 0, 0}));
  EXPECT_EQ(changed_keys(before), (std::set<std::string>{}));
}

TEST_P(SendJobs, ACancelledAlertDropsTheRest) {
  stage(30);
  redis().command({"ZADD", "{schedule}", "6000", "queue|a1"});
  queue("20");
  redis().command({"HSET", kAlert, "state", "cancelled"});
  EXPECT_EQ(queue("20"), (Reply{"dropped", 0, 10}));
  EXPECT_EQ(redis().integer({"EXISTS", kUnqueued}), 0);
  EXPECT_EQ(redis().integer({"XLEN", "q:send:urgent"}), 20);
  EXPECT_EQ(field("jobs_dropped"), "10");
  EXPECT_EQ(field("jobs_queued"), "1");
  EXPECT_EQ(redis().integer({"ZCARD", "{schedule}"}), 0);
}

TEST_P(SendJobs, AnEmptyListWithNothingPendingFinishesTheAlert) {
  // Every job queued earlier was recorded before the list was seen empty.
  const auto before = keyspace();
  EXPECT_EQ(queue("20"), (Reply{"done", 0, 0}));
  EXPECT_EQ(field("state"), "sent");
  EXPECT_EQ(field("finished_at_ms"), "5000");
  EXPECT_EQ(changed_keys(before), (std::set<std::string>{kAlert, "audit", "alert:{a1}:audit"}));
}

TEST_P(SendJobs, AnAlertStillWaitingForRetriesIsNotFinished) {
  redis().command({"HSET", kAlert, "retries_pending", "2"});
  EXPECT_EQ(queue("20"), (Reply{"done", 0, 0}));
  EXPECT_EQ(field("state"), "sending");
  EXPECT_EQ(field("jobs_queued"), "1");
}
TOCSIN_SCRIPT_CONTRACT_STANDALONE_ONLY(SendJobs);

}  // namespace
}  // namespace tocsin::dispatch
