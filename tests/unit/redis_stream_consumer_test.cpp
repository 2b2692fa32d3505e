// The decisions of a stream consumer (redis/stream_consumer_state.h), without Redis: what it
// reads next, when it makes the group, when it claims.

#include "redis/stream_consumer_state.h"

#include <gtest/gtest.h>

namespace tocsin::redis {
namespace {

using namespace std::chrono_literals;
using Clock = StreamConsumerState::Clock;

std::vector<StreamEntry> entries(std::initializer_list<const char*> ids) {
  std::vector<StreamEntry> out;
  for (const char* id : ids) out.push_back({id, {"f", "v"}});
  return out;
}

TEST(RedisStreamConsumerState, MakesTheGroupBeforeTheFirstReadAndOnlyThen) {
  StreamConsumerState state(30s);
  EXPECT_TRUE(state.group_needed());
  state.group_ready();
  EXPECT_FALSE(state.group_needed());
  state.read_done({});
  EXPECT_FALSE(state.group_needed());
}

TEST(RedisStreamConsumerState, ReadsItsOwnPendingEntriesPageByPageThenNewOnes) {
  StreamConsumerState state(30s);
  EXPECT_EQ(state.read_from(), "0");
  EXPECT_TRUE(state.reading_pending());
  state.read_done(entries({"1-0", "2-0"}));
  EXPECT_EQ(state.read_from(), "2-0");  // the next page starts after the last one read
  state.read_done(entries({"5-1"}));
  EXPECT_EQ(state.read_from(), "5-1");
  state.read_done({});
  EXPECT_EQ(state.read_from(), ">");
  EXPECT_FALSE(state.reading_pending());
  // Reading new entries never moves the cursor: ">" is always "what nobody read yet".
  state.read_done(entries({"9-0"}));
  EXPECT_EQ(state.read_from(), ">");
}

TEST(RedisStreamConsumerState, ReadsItsPendingEntriesAgainAfterARewind) {
  StreamConsumerState state(30s);
  state.read_done({});
  ASSERT_EQ(state.read_from(), ">");
  state.rewind();  // a batch failed: its entries are still pending for us
  EXPECT_EQ(state.read_from(), "0");
}

TEST(RedisStreamConsumerState, ANewConnectionRewindsButTheFirstSeenDoesNot) {
  StreamConsumerState state(30s);
  state.connection_seen(3);  // the client had reconnected before this consumer started
  state.read_done({});
  state.connection_seen(3);
  EXPECT_EQ(state.read_from(), ">");
  // An acknowledgement sent as the link dropped may be lost: look at our pending ones.
  state.connection_seen(4);
  EXPECT_EQ(state.read_from(), "0");
}

TEST(RedisStreamConsumerState, ALostGroupIsMadeAgainAndReadingAndClaimingStartOver) {
  StreamConsumerState state(30s);
  state.group_ready();
  state.read_done({});
  state.claim_done({"7-0", {}});
  state.group_lost();
  EXPECT_TRUE(state.group_needed());
  EXPECT_EQ(state.read_from(), "0");
  EXPECT_EQ(state.claim_from(), "0-0");
}

TEST(RedisStreamConsumerState, ClaimsAtOnceThenOncePerThirdOfTheIdleTime) {
  StreamConsumerState state(30s);
  const Clock::time_point start{};
  EXPECT_TRUE(state.claim_due(start));
  EXPECT_FALSE(state.claim_due(start + 9s));
  EXPECT_TRUE(state.claim_due(start + 10s));
  EXPECT_FALSE(state.claim_due(start + 10s));
  EXPECT_FALSE(state.claim_due(start + 19'999ms));
  EXPECT_TRUE(state.claim_due(start + 20s));
}

TEST(RedisStreamConsumerState, TheClaimScanGoesOnWhereItStoppedAndStartsOverAtTheEnd) {
  StreamConsumerState state(30s);
  EXPECT_EQ(state.claim_from(), "0-0");
  state.claim_done({"12-3", entries({"1-0"})});
  EXPECT_EQ(state.claim_from(), "12-3");
  state.claim_done({"0-0", {}});
  EXPECT_EQ(state.claim_from(), "0-0");
}

}  // namespace
}  // namespace tocsin::redis
