// The reach counts the dispatch scripts keep (turnout/reach_lib.lua), run on a real
// redis-server: members counted at the best state of their two channels; while an alert
// is sending the moves wait in alert:{id}:reach_log until it is due or applied
// (turnout/reach_log.h), and once it is not they count at once.

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "dispatch/dispatch_scripts.h"
#include "redis/script.h"
#include "tests/support/redis_server.h"
#include "tests/support/redis_sync.h"
#include "turnout/reach_log.h"

namespace tocsin {
namespace {

// Places as turnout/reach_lib.lua writes them in alert:{id}:dims.
const std::string kEstrie =
    "estrie|all|\x1f"
    "estrie|sector:sante|";
const std::string kLaval =
    "laval|all|\x1f"
    "laval|sector:sante|";

class TurnoutReachLog : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const auto& [member, region] :
         std::map<std::string, std::string>{{"m1", "estrie"}, {"m2", "estrie"}, {"m3", "laval"}}) {
      redis_.command({"SET", "{roster}:member:" + member, "record"});
      redis_.command({"HSET", "{roster}:member:" + member + ":idx", "region", region, "sector",
                      "sante", "mobile", "+1514555000" + member.substr(1), "email",
                      member + "@x.ca"});
    }
    redis_.command({"HSET", "alert:{a1}", "state", "sending"});
    // Counted as targeted where each belongs, as dispatch/send_jobs.lua leaves them when it
    // has queued their jobs (its contract checks that counting).
    redis_.command({"HSET", "alert:{a1}:dims", "m1", kEstrie, "m2", kEstrie, "m3", kLaval});
    redis_.command({"HSET", "alert:{a1}:reach", "estrie|all|targeted", "2",
                    "estrie|sector:sante|targeted", "2", "laval|all|targeted", "1",
                    "laval|sector:sante|targeted", "1"});
  }

  redis::Reply eval(const redis::Script& script, std::vector<std::string> args,
                    const std::vector<std::string>& keys = {}) {
    std::vector<std::string> argv{"EVAL", script.source(), std::to_string(keys.size())};
    argv.insert(argv.end(), keys.begin(), keys.end());
    argv.insert(argv.end(), args.begin(), args.end());
    auto reply = redis_.command(argv);
    EXPECT_FALSE(reply.is_error()) << reply.str;
    return reply;
  }

  // One result item of dispatch's record script (dispatch/record.lua): member's channel now
  // in `state`.
  void record(const std::string& member, const std::string& channel, const std::string& state) {
    eval(dispatch::record_script(),
         {"1700000000000", "a1", "1", "r", member, channel, state, "SM1", ""},
         {"alert:{a1}", "alert:{a1}:delivery", "alert:{a1}:count", "alert:{a1}:sent",
          "alert:{a1}:audit", "alert:{a1}:retries", "alert:{a1}:jobs_done"});
  }

  int64_t reach(const std::string& field) {
    return redis_.integer({"HGET", "alert:{a1}:reach", field});
  }

  testing::RedisServer server_;
  testing::RedisSync redis_{server_.port()};
};

TEST_F(TurnoutReachLog, WhileSendingMovesWaitInTheLogUntilApplied) {
  record("m1", "sms", "sent");
  EXPECT_EQ(reach("estrie|all|sent"), 0) << "not yet due: logged";
  EXPECT_EQ(redis_.integer({"LLEN", "alert:{a1}:reach_log"}), 3);
  const int64_t version = redis_.integer({"GET", "alert:{a1}:turnout_version"});
  eval(turnout::apply_moves_script(), {}, turnout::apply_moves_keys("a1"));
  EXPECT_EQ(reach("estrie|all|sent"), 1);
  EXPECT_EQ(reach("estrie|sector:sante|sent"), 1);
  EXPECT_EQ(redis_.integer({"EXISTS", "alert:{a1}:reach_log"}), 0);
  EXPECT_EQ(redis_.integer({"GET", "alert:{a1}:turnout_version"}), version + 1);
}

TEST_F(TurnoutReachLog, AMemberCountsAtTheBestStateOfTheirChannels) {
  redis_.command({"HSET", "alert:{a1}", "state", "sent"});  // moves count at once now
  record("m1", "sms", "failed:landline");
  EXPECT_EQ(reach("estrie|all|failed"), 1);
  record("m1", "email", "sent");
  EXPECT_EQ(reach("estrie|all|failed"), 0) << "the email went: no longer failed";
  EXPECT_EQ(reach("estrie|all|sent"), 1);
  EXPECT_EQ(redis_.integer({"HEXISTS", "alert:{a1}:reach", "estrie|all|failed"}), 0)
      << "fields at zero are removed";
  record("m1", "email", "opted_out");
  EXPECT_EQ(reach("estrie|all|sent"), 1) << "a final state is recorded once";
}

TEST_F(TurnoutReachLog, ALogOlderThanItsDelayIsAppliedByTheNextCall) {
  record("m1", "sms", "sent");
  redis_.command({"SET", "alert:{a1}:reach_log_at", "1"});  // long ago
  record("m3", "sms", "sent");
  EXPECT_EQ(reach("estrie|all|sent"), 1);
  EXPECT_EQ(reach("laval|all|sent"), 1);
  EXPECT_EQ(redis_.integer({"LLEN", "alert:{a1}:reach_log"}), 0);
}

}  // namespace
}  // namespace tocsin
