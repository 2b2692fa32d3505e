#include "dispatch/retry_policy.h"

#include <gtest/gtest.h>

namespace tocsin::dispatch {
namespace {

using std::chrono::milliseconds;
using Action = RetryDecision::Action;

SendResult result(Outcome outcome, std::string reason = {}) {
  SendResult r;
  r.outcome = outcome;
  r.reason = std::move(reason);
  return r;
}

SendResult throttled(std::optional<milliseconds> retry_after) {
  SendResult r = result(Outcome::throttled, "HTTP 429");
  r.retry_after = retry_after;
  return r;
}

// random_unit 0.5 puts the jitter factor at exactly 1.
constexpr double kNoJitter = 0.5;

TEST(DispatchRetryPolicy, AcceptedIsDone) {
  SendResult r = result(Outcome::accepted);
  r.message_id = "SM123";
  const RetryDecision d = decide(RetryPolicy{}, r, 1, kNoJitter);
  EXPECT_EQ(d.action, Action::done);
  EXPECT_EQ(d.delay, milliseconds{0});
  EXPECT_FALSE(d.slow_down_gateway);
  EXPECT_FALSE(d.count_against_gateway_health);
}

// The provider got the request and did not answer: sending again could be a second SMS.
TEST(DispatchRetryPolicy, UnconfirmedIsDoneNeverRetriedButHurtsTheGatewaysHealth) {
  for (int attempt : {1, 3, 6}) {
    const RetryDecision d = decide(
        RetryPolicy{}, result(Outcome::unconfirmed, "twilio gave no answer"), attempt, kNoJitter);
    EXPECT_EQ(d.action, Action::done);
    EXPECT_EQ(d.delay, milliseconds{0});
    EXPECT_TRUE(d.count_against_gateway_health);
    EXPECT_FALSE(d.slow_down_gateway);
  }
}

TEST(DispatchRetryPolicy, PermanentFailsAtOnceWithTheReason) {
  const RetryDecision d =
      decide(RetryPolicy{}, result(Outcome::permanent, "21211 invalid number"), 1, kNoJitter);
  EXPECT_EQ(d.action, Action::fail);
  EXPECT_EQ(d.reason, "21211 invalid number");
  EXPECT_FALSE(d.count_against_gateway_health);
  EXPECT_FALSE(d.slow_down_gateway);
}

TEST(DispatchRetryPolicy, OptedOutIsRecordedNeverRetried) {
  for (int attempt : {1, 2, 5}) {
    const RetryDecision d =
        decide(RetryPolicy{}, result(Outcome::opted_out, "21610"), attempt, kNoJitter);
    EXPECT_EQ(d.action, Action::record_opt_out);
    EXPECT_EQ(d.reason, "21610");
    EXPECT_FALSE(d.count_against_gateway_health);
  }
  EXPECT_FALSE(decide(RetryPolicy{}, result(Outcome::opted_out), 1, kNoJitter).reason.empty());
}

TEST(DispatchRetryPolicy, TemporaryBacksOffExponentiallyUpToTheCap) {
  RetryPolicy policy;
  policy.max_attempts = 20;
  const long long expected[] = {500,   1000,  2000,  4000,  8000, 16000,
                                32000, 60000, 60000, 60000, 60000};
  for (int attempt = 1; attempt <= 11; ++attempt) {
    const RetryDecision d =
        decide(policy, result(Outcome::temporary, "HTTP 503"), attempt, kNoJitter);
    ASSERT_EQ(d.action, Action::retry) << attempt;
    EXPECT_EQ(d.delay.count(), expected[attempt - 1]) << attempt;
    EXPECT_TRUE(d.count_against_gateway_health);
    EXPECT_FALSE(d.slow_down_gateway);
  }
  // Large attempt numbers do not overflow.
  EXPECT_EQ(backoff(policy, 1000), milliseconds{60000});
  EXPECT_EQ(backoff(policy, 0), milliseconds{500});
}

TEST(DispatchRetryPolicy, JitterStaysWithinBounds) {
  const RetryPolicy policy;  // ±20%
  const SendResult r = result(Outcome::temporary, "timeout");
  EXPECT_EQ(decide(policy, r, 1, 0.0).delay, milliseconds{400});
  EXPECT_EQ(decide(policy, r, 3, 0.0).delay, milliseconds{1600});
  const milliseconds high = decide(policy, r, 3, 0.999).delay;
  EXPECT_GE(high, milliseconds{2390});
  EXPECT_LE(high, milliseconds{2400});
  // At the cap the jitter still applies, so retries of a whole outage spread out.
  EXPECT_EQ(decide(policy, r, 5, 0.0).delay, milliseconds{6400});
  RetryPolicy capped;
  capped.max_attempts = 20;
  EXPECT_EQ(decide(capped, r, 12, 0.0).delay, milliseconds{48000});
  EXPECT_LE(decide(capped, r, 12, 0.999).delay, milliseconds{72000});
  EXPECT_GE(decide(capped, r, 12, 0.999).delay, milliseconds{71900});
  for (double u = 0.0; u < 1.0; u += 0.01) {
    const milliseconds d = decide(policy, r, 2, u).delay;
    EXPECT_GE(d, milliseconds{800});
    EXPECT_LE(d, milliseconds{1200});
  }
}

TEST(DispatchRetryPolicy, TemporaryGivesUpAfterMaxAttempts) {
  const RetryPolicy policy;  // 6 attempts
  EXPECT_EQ(decide(policy, result(Outcome::temporary, "HTTP 502"), 5, kNoJitter).action,
            Action::retry);
  const RetryDecision d = decide(policy, result(Outcome::temporary, "HTTP 502"), 6, kNoJitter);
  EXPECT_EQ(d.action, Action::fail);
  EXPECT_EQ(d.reason, "gave up after 6 attempts: HTTP 502");
  EXPECT_TRUE(d.count_against_gateway_health);
}

TEST(DispatchRetryPolicy, ThrottledSlowsTheGatewayWithoutHurtingItsHealth) {
  const RetryDecision d = decide(RetryPolicy{}, throttled(std::nullopt), 2, kNoJitter);
  EXPECT_EQ(d.action, Action::retry);
  EXPECT_EQ(d.delay, milliseconds{1000});
  EXPECT_TRUE(d.slow_down_gateway);
  EXPECT_FALSE(d.count_against_gateway_health);
}

TEST(DispatchRetryPolicy, RetryAfterIsHonouredExactlyWhenLarger) {
  const RetryPolicy policy;
  // Larger than any jittered backoff at attempt 1 (400..600 ms): exactly as given.
  for (double u : {0.0, 0.5, 0.999}) {
    EXPECT_EQ(decide(policy, throttled(milliseconds{3000}), 1, u).delay, milliseconds{3000});
  }
  // Above max_delay: the gateway knows best.
  EXPECT_EQ(decide(policy, throttled(milliseconds{120000}), 1, 0.0).delay, milliseconds{120000});
  // Smaller than the backoff: the backoff wins.
  EXPECT_EQ(decide(policy, throttled(milliseconds{100}), 4, kNoJitter).delay, milliseconds{4000});
  // Never jittered below Retry-After.
  const milliseconds d = decide(policy, throttled(milliseconds{3500}), 4, 0.0).delay;
  EXPECT_EQ(d, milliseconds{3500});
}

TEST(DispatchRetryPolicy, ThrottlingHasThreeTimesTheAttemptBudget) {
  const RetryPolicy policy;  // 6 attempts, so 18 for throttling
  EXPECT_EQ(throttled_attempt_limit(policy), 18);
  for (int attempt = 1; attempt < 18; ++attempt) {
    EXPECT_EQ(decide(policy, throttled(std::nullopt), attempt, kNoJitter).action, Action::retry)
        << attempt;
  }
  const RetryDecision d = decide(policy, throttled(std::nullopt), 18, kNoJitter);
  EXPECT_EQ(d.action, Action::fail);
  EXPECT_EQ(d.reason, "gave up after 18 attempts: HTTP 429");
  EXPECT_TRUE(d.slow_down_gateway);
  EXPECT_FALSE(d.count_against_gateway_health);
  // The attempt count is shared: a temporary failure after many throttles still stops at 6.
  EXPECT_EQ(decide(policy, result(Outcome::temporary, "HTTP 500"), 7, kNoJitter).action,
            Action::fail);
}

}  // namespace
}  // namespace tocsin::dispatch
