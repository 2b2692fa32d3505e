// The contract of queuing a sending alert's jobs (daemon/dispatch/send_jobs.lua), with the
// finish rule it shares with record.lua (dispatch/finish_lib.lua). It writes the jobs to the
// alert's own outbox (relayed to the send queue by the caller, dispatch/job_writer.h), so
// every key is the alert's and it runs on a one-node cluster too.

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "dispatch/send_jobs.lua.h"
#include "redis/decode.h"
#include "tests/support/script_contract.h"
#include "turnout/reach_count.h"

namespace tocsin::dispatch {
namespace {

using testing::ScriptContract;

const std::string kAlert = "alert:{a1}";
const std::string kUnqueued = "alert:{a1}:jobs:unqueued";
const std::string kOutbox = "alert:{a1}:schedule_out";
const std::string kJobs = "alert:{a1}:jobs_out:q:send:urgent";
const std::vector<std::string> kKeys{kAlert, kUnqueued, "alert:{a1}:count", "alert:{a1}:audit",
                                     kJobs,  kOutbox};

using Reply = std::tuple<std::string, int64_t, int64_t>;
// As the script answers: with the member ids peeked.
using FullReply = std::tuple<std::string, int64_t, int64_t, std::vector<std::string>>;

// The keys a call that queues jobs writes for the turnout (turnout/reach_lib.lua).
const std::set<std::string> kTurnoutKeys{
    "alert:{a1}:dims",      "alert:{a1}:reach",           "alert:{a1}:reach:moved",
    "alert:{a1}:regions",   "alert:{a1}:turnout_version", "alert:{a1}:turnout_tracked",
    "alert:{a1}:turnout_at"};

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
  FullReply call(const std::string& per_call, const std::string& mode,
                 const std::vector<std::string>& places = {}) {
    std::vector<std::string> args{per_call, "a1", "5000", mode};
    args.insert(args.end(), places.begin(), places.end());
    auto reply = redis::decode<FullReply>(run(lua::send_jobs, kKeys, args));
    EXPECT_TRUE(reply);
    return reply ? *reply : FullReply{};
  }
  // Each member and their place, as dispatch/job_writer.cpp passes them: m<n> is in region
  // r<n % 3>.
  static std::vector<std::string> places_of(const std::vector<std::string>& members) {
    std::vector<std::string> places;
    for (const auto& member : members) {
      const turnout::Place place{.region = "r" + std::to_string(std::stoi(member.substr(1)) % 3)};
      places.insert(places.end(), {member, turnout::encode_place(place)});
    }
    return places;
  }
  // As dispatch/job_writer.cpp does: peek, then queue with the members' places.
  Reply queue(const std::string& per_call) {
    auto [status, jobs, left, peeked] = call(per_call, "peek");
    if (status == "peeked") {
      std::tie(status, jobs, left, std::ignore) = call(per_call, "queue", places_of(peeked));
    }
    return {status, jobs, left};
  }
  // How many stream entries name each member.
  std::map<std::string, int> queued_members() {
    std::map<std::string, int> seen;
    for (const auto& entry : redis().command({"XRANGE", kJobs, "-", "+"}).elements) {
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
  auto written = kTurnoutKeys;
  written.insert({kAlert, kUnqueued, kJobs});
  EXPECT_EQ(changed_keys(before), written);
  EXPECT_EQ(redis().integer({"XLEN", kJobs}), 20);
  EXPECT_EQ(field("jobs_pending"), "20");
  EXPECT_EQ(field("jobs_queued"), "0");
}

TEST_P(SendJobs, TheLastCallMarksEveryJobQueuedAndNoMemberIsQueuedTwice) {
  stage(45);
  queue("20");
  queue("20");
  EXPECT_EQ(redis().integer({"XLEN", kOutbox}), 0);  // the backstop waits meanwhile
  EXPECT_EQ(queue("20"), (Reply{"done", 5, 0}));
  // Nothing left for the backstop: its item removed, through the outbox.
  EXPECT_NE(redis().text({"XRANGE", kOutbox, "-", "+"}).find("op\nremove\nitem\nqueue|a1"),
            std::string::npos);
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

TEST_P(SendJobs, EachQueuedMemberIsCountedAsTargetedOnceWhereTheyBelong) {
  stage(3);    // m0..m5: r0 m0 m3, r1 m1 m4, r2 m2 m5
  queue("2");  // m0..m3
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:reach", "r0|all|targeted"}), "2");
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:reach", "r1|all|targeted"}), "1");
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:reach", "r2|all|targeted"}), "1");
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:dims", "m3"}), "r0|all|");
  EXPECT_EQ(redis().integer({"HEXISTS", "alert:{a1}:dims", "m4"}), 0) << "not queued yet";
  queue("2");
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:reach", "r0|all|targeted"}), "2");
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:reach", "r1|all|targeted"}), "2");
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:reach", "r2|all|targeted"}), "2");
  EXPECT_EQ(redis().integer({"HLEN", "alert:{a1}:dims"}), 6);
}

TEST_P(SendJobs, AMemberCountedBeforeIsNotCountedAgain) {
  // Counted by an older tocsind's prepare step, say.
  redis().command({"HSET", "alert:{a1}:dims", "m0", "r0|all|"});
  redis().command({"HSET", "alert:{a1}:reach", "r0|all|targeted", "1"});
  stage(1);
  queue("20");
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:reach", "r0|all|targeted"}), "1");
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:reach", "r1|all|targeted"}), "1");
}

TEST_P(SendJobs, AMemberPlacedBeforeKeepsTheirPlace) {
  // Placed elsewhere before their job is queued (a reply that came first, say): where they
  // counted first is where they count for the rest of the alert.
  redis().command({"HSET", "alert:{a1}:dims", "m1", "r9|all|"});
  redis().command({"HSET", "alert:{a1}:reach", "r9|all|targeted", "1"});
  stage(1);
  queue("20");
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:dims", "m1"}), "r9|all|");
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:reach", "r9|all|targeted"}), "1");
  EXPECT_EQ(redis().integer({"HEXISTS", "alert:{a1}:reach", "r1|all|targeted"}), 0);
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:reach", "r0|all|targeted"}), "1");
}

TEST_P(SendJobs, PeekingChangesNothing) {
  stage(3);
  const auto before = keyspace();
  auto [status, jobs, left, peeked] = call("2", "peek");
  EXPECT_EQ(status, "peeked");
  EXPECT_EQ(left, 3);
  EXPECT_EQ(peeked, (std::vector<std::string>{"m0", "m1", "m2", "m3"}));
  EXPECT_TRUE(changed_keys(before).empty());
}

TEST_P(SendJobs, QueuingMembersTheListNoLongerStartsWithChangesNothing) {
  stage(3);
  auto peeked = std::get<3>(call("2", "peek"));
  queue("1");  // another writer took the first job meanwhile
  const auto before = keyspace();
  EXPECT_EQ(std::get<0>(call("2", "queue", places_of(peeked))), "raced");
  EXPECT_TRUE(changed_keys(before).empty());
  // More members than the list holds: raced too.
  auto rest = std::get<3>(call("20", "peek"));
  rest.push_back("m99");
  EXPECT_EQ(std::get<0>(call("20", "queue", places_of(rest))), "raced");
  EXPECT_TRUE(changed_keys(before).empty());
  EXPECT_EQ(queue("20"), (Reply{"done", 2, 0}));
  for (const auto& [member, times] : queued_members()) EXPECT_EQ(times, 1) << member;
}

TEST_P(SendJobs, ACancelledAlertDropsTheRest) {
  stage(30);
  queue("20");
  redis().command({"HSET", kAlert, "state", "cancelled"});
  EXPECT_EQ(queue("20"), (Reply{"dropped", 0, 10}));
  EXPECT_EQ(redis().integer({"EXISTS", kUnqueued}), 0);
  EXPECT_EQ(redis().integer({"XLEN", kJobs}), 20);
  EXPECT_EQ(field("jobs_dropped"), "10");
  EXPECT_EQ(field("jobs_queued"), "1");
  EXPECT_EQ(redis().integer({"XLEN", kOutbox}), 1);  // the backstop's item removed
}

TEST_P(SendJobs, AnEmptyListWithNothingPendingFinishesTheAlert) {
  // Every job queued earlier was recorded before the list was seen empty.
  const auto before = keyspace();
  EXPECT_EQ(queue("20"), (Reply{"done", 0, 0}));
  EXPECT_EQ(field("state"), "sent");
  EXPECT_EQ(field("finished_at_ms"), "5000");
  EXPECT_EQ(changed_keys(before), (std::set<std::string>{kAlert, "alert:{a1}:audit", kOutbox}));
}

TEST_P(SendJobs, AnAlertStillWaitingForRetriesIsNotFinished) {
  redis().command({"HSET", kAlert, "retries_pending", "2"});
  EXPECT_EQ(queue("20"), (Reply{"done", 0, 0}));
  EXPECT_EQ(field("state"), "sending");
  EXPECT_EQ(field("jobs_queued"), "1");
}
TOCSIN_SCRIPT_CONTRACT(SendJobs);

}  // namespace
}  // namespace tocsin::dispatch
