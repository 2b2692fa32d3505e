// The reply worker's hand-over (issue 6: data is never lost): replies a daemon read and
// then went silent on are taken over by another daemon after dispatch.claim_idle_ms.

#include <gtest/gtest.h>

#include "tests/support/daemon_process.h"
#include "tests/support/redis_server.h"
#include "tests/support/redis_sync.h"

namespace tocsin {
namespace {

using namespace std::chrono_literals;

TEST(RepliesWorker, RepliesLeftPendingByASilentDaemonAreTakenOver) {
  testing::RedisServer redis;
  testing::RedisSync sync(redis.port());
  // A daemon "gone" read a member's ARRET and died before applying it.
  sync.command({"XGROUP", "CREATE", "q:replies", "replies", "0", "MKSTREAM"});
  sync.command({"XADD", "q:replies", "*", "gateway", "tw", "from", "+15145551234", "to",
                "+15145550100", "text", "ARRET", "provider_id", "", "received_at_ms", "1"});
  const auto read = sync.command(
      {"XREADGROUP", "GROUP", "replies", "gone", "COUNT", "10", "STREAMS", "q:replies", ">"});
  ASSERT_EQ(read.elements.size(), 1u);

  testing::DaemonProcess::Options options;
  options.redis_url = redis.url();
  options.extra_config = "dispatch { consumer_name: \"here\" claim_idle_ms: 1000 }\n";
  testing::DaemonProcess daemon(options);
  ASSERT_TRUE(testing::eventually(
      [&] {
        return sync.integer({"SISMEMBER", "{roster}:optout:sms", "+15145551234"}) == 1;
      },
      15s))
      << daemon.process().stderr_text();
  EXPECT_TRUE(testing::eventually([&] { return sync.integer({"XLEN", "q:replies"}) == 0; }, 5s));
}

// A Redis that lost its data (FLUSHALL) lost the group "replies" too: the worker makes it
// again, and a reply stored after is read and applied.
TEST(RepliesWorker, AGroupLostWithRedisDataIsMadeAgainAndRepliesAreStillRead) {
  testing::RedisServer redis;
  testing::RedisSync sync(redis.port());
  testing::DaemonProcess::Options options;
  options.redis_url = redis.url();
  options.extra_config = "dispatch { consumer_name: \"here\" claim_idle_ms: 1000 }\n";
  testing::DaemonProcess daemon(options);
  const auto has_group = [&] {
    return sync.integer({"EXISTS", "q:replies"}) == 1 &&
           sync.text({"XINFO", "GROUPS", "q:replies"}).find("replies\n") != std::string::npos;
  };
  ASSERT_TRUE(testing::eventually(has_group, 15s)) << daemon.process().stderr_text();
  sync.command({"FLUSHALL"});
  sync.command({"XADD", "q:replies", "*", "gateway", "tw", "from", "+15145551234", "to",
                "+15145550100", "text", "ARRET", "provider_id", "", "received_at_ms", "1"});
  EXPECT_TRUE(testing::eventually(
      [&] {
        return sync.integer({"SISMEMBER", "{roster}:optout:sms", "+15145551234"}) == 1;
      },
      15s))
      << daemon.process().stderr_text();
  EXPECT_TRUE(testing::eventually([&] { return sync.integer({"XLEN", "q:replies"}) == 0; }, 5s));
  EXPECT_NE(daemon.process().stderr_text().find("event=redis_stream_group_lost stream=q:replies"),
            std::string::npos);
}

}  // namespace
}  // namespace tocsin
