// The contracts of the stream relay's scripts (daemon/redis/stream_relay.lua,
// relay_began.lua): entries appended to the destination and the source's cursor moved in
// one step, only from the cursor the caller read; the time relaying began, set once. The
// destination and its cursors share a hash slot ("audit" and "{audit}:relayed"), so they
// run on plain Redis and on a cluster.

#include <gtest/gtest.h>

#include "redis/relay_began.lua.h"
#include "redis/stream_relay.lua.h"
#include "tests/support/script_contract.h"

namespace tocsin::redis {
namespace {

using testing::ScriptContract;

const std::vector<std::string> kKeys{"audit", "{audit}:relayed"};

class StreamRelay : public ScriptContract {};

TEST_P(StreamRelay, AppendsTheEntriesInOrderAndMovesTheCursor) {
  const auto before = keyspace();
  auto reply = run(lua::stream_relay, kKeys,
                   {"alert:{a1}:audit", "", "5-0", "4", "actor", "Ana", "action", "alert.create",
                    "2", "action", "alert.approve"});
  EXPECT_EQ(reply.integer, 1) << reply.str;
  EXPECT_EQ(changed_keys(before), (std::set<std::string>{"audit", "{audit}:relayed"}));
  const std::string audit = redis().text({"XRANGE", "audit", "-", "+"});
  EXPECT_LT(audit.find("alert.create"), audit.find("alert.approve")) << audit;
  EXPECT_NE(audit.find("actor\nAna\naction\nalert.create"), std::string::npos) << audit;
  EXPECT_EQ(redis().text({"HGET", "{audit}:relayed", "alert:{a1}:audit"}), "5-0");
}

TEST_P(StreamRelay, ACursorMovedSinceItWasReadAppendsNothing) {
  redis().command({"HSET", "{audit}:relayed", "alert:{a1}:audit", "5-0"});
  const auto before = keyspace();
  // Read before another relay moved it to 5-0: no cursor then.
  EXPECT_EQ(run(lua::stream_relay, kKeys, {"alert:{a1}:audit", "", "5-0", "2", "a", "b"}).integer,
            0);
  // Read at 4-0, long gone.
  EXPECT_EQ(
      run(lua::stream_relay, kKeys, {"alert:{a1}:audit", "4-0", "6-0", "2", "a", "b"}).integer, 0);
  EXPECT_TRUE(changed_keys(before).empty());
  // Read at 5-0, as it is: relayed.
  EXPECT_EQ(
      run(lua::stream_relay, kKeys, {"alert:{a1}:audit", "5-0", "6-0", "2", "a", "b"}).integer, 1);
  EXPECT_EQ(redis().integer({"XLEN", "audit"}), 1);
}
TOCSIN_SCRIPT_CONTRACT(StreamRelay);

class RelayBegan : public ScriptContract {};

TEST_P(RelayBegan, SetsRedissClockOnceAsAStreamId) {
  const auto before = keyspace();
  const std::string first = run(lua::relay_began, {"{audit}:relay_began"}, {}).str;
  EXPECT_EQ(changed_keys(before), (std::set<std::string>{"{audit}:relay_began"}));
  ASSERT_GT(first.size(), 2u);
  EXPECT_EQ(first.substr(first.size() - 2), "-0");
  const int64_t ms = std::stoll(first);
  const int64_t now_ms = std::stoll(redis().command({"TIME"}).elements.at(0).str) * 1000;
  EXPECT_LE(ms, now_ms + 1000);
  EXPECT_GE(ms, now_ms - 5000);
  // Again, later: kept.
  redis().command({"XADD", "later", "*", "a", "b"});
  EXPECT_EQ(run(lua::relay_began, {"{audit}:relay_began"}, {}).str, first);
}
TOCSIN_SCRIPT_CONTRACT(RelayBegan);

}  // namespace
}  // namespace tocsin::redis
