#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>

#include "dispatch/adaptive_rate.h"
#include "dispatch/token_bucket.h"

namespace tocsin::dispatch {
namespace {

using namespace std::chrono_literals;
using Clock = TokenBucket::Clock;

const Clock::time_point t0{std::chrono::hours{1}};

double seconds_since_t0(Clock::time_point t) {
  return std::chrono::duration<double>(t - t0).count();
}

TEST(DispatchTokenBucket, StartsFullAndRefillsAtTheRate) {
  TokenBucket bucket(2.0, 5.0, t0);
  EXPECT_EQ(bucket.wait_for(5.0, t0), Clock::duration::zero());
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(bucket.try_take(1.0, t0)) << i;
  EXPECT_FALSE(bucket.try_take(1.0, t0));
  EXPECT_EQ(bucket.wait_for(1.0, t0), Clock::duration{500ms});
  EXPECT_FALSE(bucket.try_take(1.0, t0 + 499ms));
  EXPECT_TRUE(bucket.try_take(1.0, t0 + 500ms));
  // Refill stops at the burst.
  EXPECT_DOUBLE_EQ(bucket.available(t0 + 1h), 5.0);
}

TEST(DispatchTokenBucket, WaitForIsEnoughToTake) {
  TokenBucket bucket(3.0, 4.0, t0);
  ASSERT_TRUE(bucket.try_take(4.0, t0));
  Clock::time_point now = t0 + 123us;
  for (double tokens : {1.0, 3.0, 2.0, 4.0, 1.0}) {
    const Clock::duration wait = bucket.wait_for(tokens, now);
    ASSERT_GT(wait, Clock::duration::zero());
    EXPECT_FALSE(bucket.try_take(tokens, now + wait - 1us)) << tokens;
    EXPECT_TRUE(bucket.try_take(tokens, now + wait)) << tokens;
    now += wait;
  }
}

TEST(DispatchTokenBucket, MessageLargerThanTheBurstWaitsForAFullBucketThenOwes) {
  TokenBucket bucket(1.0, 5.0, t0);
  ASSERT_TRUE(bucket.try_take(3.0, t0));
  // A 10-segment SMS on a burst of 5: admitted once the bucket is full again.
  EXPECT_FALSE(bucket.try_take(10.0, t0));
  EXPECT_EQ(bucket.wait_for(10.0, t0), Clock::duration{3s});
  EXPECT_FALSE(bucket.try_take(10.0, t0 + 2999ms));
  EXPECT_TRUE(bucket.try_take(10.0, t0 + 3s));
  // The debt of 5 is paid before even one segment goes out.
  EXPECT_DOUBLE_EQ(bucket.available(t0 + 3s), -5.0);
  EXPECT_EQ(bucket.wait_for(1.0, t0 + 3s), Clock::duration{6s});
  EXPECT_FALSE(bucket.try_take(1.0, t0 + 8s));
  EXPECT_TRUE(bucket.try_take(1.0, t0 + 9s));
}

// Greedy sender with a queue of 1- and 3-segment messages, time advancing in 1 ms steps
// for 10 minutes: the segments sent never exceed rate * elapsed + burst, and the sender is
// not starved either.
TEST(DispatchTokenBucket, LongRunRateIsNeverExceededInMillisecondSteps) {
  const double rate = 7.5;
  const double burst = 5.0;
  TokenBucket bucket(rate, burst, t0);
  double taken = 0.0;
  long long next = 0;  // index into the message queue
  const auto size = [](long long i) { return i % 3 == 0 ? 3.0 : 1.0; };
  for (Clock::time_point now = t0; now <= t0 + 10min; now += 1ms) {
    while (bucket.try_take(size(next), now)) taken += size(next++);
    ASSERT_LE(taken, rate * seconds_since_t0(now) + burst + 1e-6) << seconds_since_t0(now);
  }
  const double elapsed = 600.0;
  EXPECT_GE(taken, rate * elapsed - 3.0);
}

// Event-driven, jumping to wait_for, with messages larger than the burst mixed in: the
// excess over rate * elapsed is bounded by the largest message, and the rate holds.
TEST(DispatchTokenBucket, LongRunRateHoldsWithOversizedMessages) {
  const double rate = 4.0;
  const double burst = 5.0;
  TokenBucket bucket(rate, burst, t0);
  double taken = 0.0;
  Clock::time_point now = t0;
  const double sizes[] = {1.0, 10.0, 3.0, 1.0, 7.0, 1.0, 1.0};
  for (long long i = 0; now < t0 + 10min; ++i) {
    const double tokens = sizes[i % 7];
    now += bucket.wait_for(tokens, now);
    ASSERT_TRUE(bucket.try_take(tokens, now)) << i;
    taken += tokens;
    ASSERT_LE(taken, rate * seconds_since_t0(now) + 10.0 + 1e-6) << i;
  }
  EXPECT_GE(taken, rate * 600.0 - 10.0);
}

TEST(DispatchTokenBucket, SetRateCreditsElapsedTimeAtTheOldRate) {
  TokenBucket bucket(1.0, 10.0, t0);
  ASSERT_TRUE(bucket.try_take(10.0, t0));
  bucket.set_rate(4.0, t0 + 2s);  // 2 tokens earned at 1/s
  EXPECT_DOUBLE_EQ(bucket.rate(), 4.0);
  EXPECT_DOUBLE_EQ(bucket.available(t0 + 2s), 2.0);
  EXPECT_DOUBLE_EQ(bucket.available(t0 + 3s), 6.0);
  EXPECT_EQ(bucket.wait_for(8.0, t0 + 2s), Clock::duration{1500ms});
  EXPECT_THROW(bucket.set_rate(0.0, t0 + 3s), std::invalid_argument);
}

TEST(DispatchTokenBucket, PenalizeStopsTakingUntilThenRestartsEmpty) {
  TokenBucket bucket(10.0, 10.0, t0);
  ASSERT_TRUE(bucket.try_take(3.0, t0));
  bucket.penalize(t0 + 2s);
  EXPECT_FALSE(bucket.try_take(1.0, t0 + 1s));
  EXPECT_FALSE(bucket.try_take(1.0, t0 + 1999ms));
  // The 7 saved tokens are gone: after the penalty the rate resumes, not a burst.
  EXPECT_EQ(bucket.wait_for(1.0, t0 + 1s), Clock::duration{1100ms});
  EXPECT_DOUBLE_EQ(bucket.available(t0 + 2s), 0.0);
  EXPECT_FALSE(bucket.try_take(1.0, t0 + 2s));
  EXPECT_TRUE(bucket.try_take(1.0, t0 + 2100ms));
  EXPECT_DOUBLE_EQ(bucket.available(t0 + 1h), 10.0);
}

TEST(DispatchTokenBucket, PenalizeKeepsADebt) {
  TokenBucket bucket(1.0, 5.0, t0);
  ASSERT_TRUE(bucket.try_take(10.0, t0));  // balance -5
  bucket.penalize(t0 + 2s);
  // The debt kept being paid during the penalty, but was not forgiven.
  EXPECT_DOUBLE_EQ(bucket.available(t0 + 2s), -3.0);
  EXPECT_EQ(bucket.wait_for(1.0, t0), Clock::duration{6s});
}

TEST(DispatchTokenBucket, StaleTimeEarnsNothing) {
  TokenBucket bucket(1.0, 5.0, t0 + 10s);
  ASSERT_TRUE(bucket.try_take(5.0, t0 + 10s));
  EXPECT_FALSE(bucket.try_take(1.0, t0 + 5s));
  EXPECT_EQ(bucket.wait_for(1.0, t0 + 5s), Clock::duration{6s});
  EXPECT_TRUE(bucket.try_take(0.0, t0));
}

TEST(DispatchTokenBucket, RejectsNonsenseConfiguration) {
  EXPECT_THROW(TokenBucket(0.0, 5.0, t0), std::invalid_argument);
  EXPECT_THROW(TokenBucket(-1.0, 5.0, t0), std::invalid_argument);
  EXPECT_THROW(TokenBucket(1.0, 0.5, t0), std::invalid_argument);
  EXPECT_NO_THROW(TokenBucket(0.1, 1.0, t0));
  EXPECT_THROW(AdaptiveRate(0.0, t0), std::invalid_argument);
}

TEST(DispatchAdaptiveRate, HalvesOnEachThrottleDownToATenth) {
  AdaptiveRate adaptive(100.0, t0);
  EXPECT_DOUBLE_EQ(adaptive.rate(t0), 100.0);
  const double expected[] = {50.0, 25.0, 12.5, 10.0, 10.0};
  for (double e : expected) {
    adaptive.on_throttle(t0);
    EXPECT_DOUBLE_EQ(adaptive.rate(t0), e);
  }
  EXPECT_DOUBLE_EQ(adaptive.floor_rate(), 10.0);
}

TEST(DispatchAdaptiveRate, RecoversTenPercentPerTenSecondsUpToTheConfiguredRate) {
  AdaptiveRate adaptive(100.0, t0);
  for (int i = 0; i < 4; ++i) adaptive.on_throttle(t0);  // at the floor, 10
  EXPECT_DOUBLE_EQ(adaptive.rate(t0 + 9999ms), 10.0);
  EXPECT_DOUBLE_EQ(adaptive.rate(t0 + 10s), 20.0);
  EXPECT_DOUBLE_EQ(adaptive.rate(t0 + 25s), 30.0);
  EXPECT_DOUBLE_EQ(adaptive.rate(t0 + 80s), 90.0);
  EXPECT_DOUBLE_EQ(adaptive.rate(t0 + 90s), 100.0);
  EXPECT_DOUBLE_EQ(adaptive.rate(t0 + 1h), 100.0);
}

TEST(DispatchAdaptiveRate, ThrottleDuringRecoveryHalvesTheRecoveredRateAndRestartsTheClock) {
  AdaptiveRate adaptive(100.0, t0);
  adaptive.on_throttle(t0);  // 50
  EXPECT_DOUBLE_EQ(adaptive.rate(t0 + 20s), 70.0);
  adaptive.on_throttle(t0 + 20s);  // 35
  EXPECT_DOUBLE_EQ(adaptive.rate(t0 + 29s), 35.0);
  EXPECT_DOUBLE_EQ(adaptive.rate(t0 + 30s), 45.0);
}

TEST(DispatchAdaptiveRate, DrivesATokenBucket) {
  AdaptiveRate adaptive(10.0, t0);
  TokenBucket bucket(adaptive.rate(t0), 1.0, t0);
  ASSERT_TRUE(bucket.try_take(1.0, t0));
  adaptive.on_throttle(t0);
  bucket.set_rate(adaptive.rate(t0), t0);
  EXPECT_EQ(bucket.wait_for(1.0, t0), Clock::duration{200ms});
}

}  // namespace
}  // namespace tocsin::dispatch
