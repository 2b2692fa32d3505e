// The contract of staging one slice of an alert's frozen audience
// (daemon/dispatch/audience_stage.lua): the staged SET and the LIST of jobs, both under the
// alert's hash tag, so it runs on plain Redis and on a cluster.

#include <gtest/gtest.h>

#include <tuple>

#include "dispatch/audience_stage.lua.h"
#include "redis/decode.h"
#include "tests/support/script_contract.h"

namespace tocsin::dispatch {
namespace {

using testing::ScriptContract;

const std::string kSet = "alert:{a1}:audience:staging:7";
const std::string kJobs = "alert:{a1}:jobs:staging:7";

class AudienceStage : public ScriptContract {
 protected:
  std::tuple<int64_t, int64_t> stage(std::vector<std::string> ids, const std::string& job_size) {
    ids.insert(ids.begin(), {job_size, "3600"});
    auto reply =
        redis::decode<std::tuple<int64_t, int64_t>>(run(lua::audience_stage, {kSet, kJobs}, ids));
    EXPECT_TRUE(reply);
    return reply ? *reply : std::tuple<int64_t, int64_t>{};
  }
  // The ids of the n-th job (from 0), unpacked as send_jobs.lua does.
  std::vector<std::string> job(int n) {
    auto reply = run("return cmsgpack.unpack(redis.call('LINDEX', KEYS[1], ARGV[1]))", {kJobs},
                     {std::to_string(n)});
    std::vector<std::string> ids;
    for (const auto& element : reply.elements) ids.push_back(element.str);
    return ids;
  }
};

TEST_P(AudienceStage, AddsNewMembersInJobsOfAtMostJobSizeAndTouchesOnlyItsKeys) {
  const auto before = keyspace();
  EXPECT_EQ(stage({"m1", "m2", "m3", "m4", "m5"}, "2"), (std::tuple<int64_t, int64_t>{5, 3}));
  EXPECT_EQ(changed_keys(before), (std::set<std::string>{kSet, kJobs}));
  EXPECT_EQ(job(0), (std::vector<std::string>{"m1", "m2"}));
  EXPECT_EQ(job(1), (std::vector<std::string>{"m3", "m4"}));
  EXPECT_EQ(job(2), (std::vector<std::string>{"m5"}));
  EXPECT_EQ(redis().integer({"SCARD", kSet}), 5);
}

TEST_P(AudienceStage, AMemberSeenTwiceIsStagedOnce) {
  stage({"m1", "m2"}, "10");
  // SSCAN may hand m2 again, and a slice may repeat an id.
  EXPECT_EQ(stage({"m2", "m3", "m3"}, "10"), (std::tuple<int64_t, int64_t>{1, 1}));
  EXPECT_EQ(job(1), (std::vector<std::string>{"m3"}));
  const auto before = keyspace();
  EXPECT_EQ(stage({"m1", "m3"}, "10"), (std::tuple<int64_t, int64_t>{0, 0}));
  EXPECT_TRUE(changed_keys(before).empty());
  EXPECT_EQ(redis().integer({"LLEN", kJobs}), 2);
}

TEST_P(AudienceStage, BothKeysExpireSoAnAbandonedFreezeGoesAway) {
  stage({"m1"}, "10");
  EXPECT_GT(redis().integer({"TTL", kSet}), 3500);
  EXPECT_GT(redis().integer({"TTL", kJobs}), 3500);
}

TEST_P(AudienceStage, IdsOfAnyByteRoundTrip) {
  const std::string odd(
      "a\x1f"
      "b\0c|m",
      7);
  stage({odd, "plain"}, "10");
  EXPECT_EQ(job(0), (std::vector<std::string>{odd, "plain"}));
}
TOCSIN_SCRIPT_CONTRACT(AudienceStage);

}  // namespace
}  // namespace tocsin::dispatch
