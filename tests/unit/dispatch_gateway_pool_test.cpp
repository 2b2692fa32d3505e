// The gateway pool on a fake clock: channel selection, sharing a blast in proportion to the
// rates without exceeding any gateway's rate, multi-segment SMS, the concurrency limit,
// failover and probing, and the slow-down after a throttle with its gradual recovery.

#include "dispatch/gateway_pool.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "adapters/console/console_gateway.h"

namespace tocsin::dispatch {
namespace {

using namespace std::chrono_literals;
using Clock = GatewayPool::Clock;

const Clock::time_point t0 = Clock::time_point{} + std::chrono::seconds(100);

// Durations in milliseconds, so a failure prints a number.
long long ms(Clock::duration d) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}

struct GatewaySpec {
  std::string name;
  std::string channel;
  double rate;
  int max_concurrency = 1000;
};

GatewayPool make_pool(const std::vector<GatewaySpec>& specs, Clock::time_point now = t0) {
  std::vector<std::unique_ptr<GatewaySlot>> slots;
  for (const GatewaySpec& spec : specs) {
    slots.push_back(
        std::make_unique<GatewaySlot>(std::make_unique<adapters::ConsoleGateway>(
                                          "file", spec.name, spec.channel, spec.rate, "/dev/null"),
                                      spec.max_concurrency, now));
  }
  return GatewayPool(std::move(slots));
}

GatewaySlot& slot_named(const GatewayPool& pool, const std::string& name) {
  for (const auto& slot : pool.slots()) {
    if (slot->gateway->name() == name) return *slot;
  }
  throw std::logic_error("no gateway " + name);
}

SendResult accepted() {
  SendResult result;
  result.outcome = Outcome::accepted;
  result.message_id = "id";
  return result;
}

RetryDecision done() {
  return RetryDecision{RetryDecision::Action::done};
}

SendResult timed_out() {
  SendResult result;
  result.outcome = Outcome::temporary;
  result.reason = "timed out";
  return result;
}

RetryDecision retry_and_blame_gateway() {
  RetryDecision decision;
  decision.action = RetryDecision::Action::retry;
  decision.delay = 500ms;
  decision.count_against_gateway_health = true;
  return decision;
}

SendResult throttled(std::chrono::milliseconds retry_after) {
  SendResult result;
  result.outcome = Outcome::throttled;
  result.retry_after = retry_after;
  return result;
}

RetryDecision retry_and_slow_down() {
  RetryDecision decision;
  decision.action = RetryDecision::Action::retry;
  decision.delay = 1s;
  decision.slow_down_gateway = true;
  return decision;
}

// The result of `pick` at `now`, its request's write time unknown (as for a local file).
void answer(GatewayPool& pool, const GatewayPool::Pick& pick, const SendResult& result,
            const RetryDecision& decision, Clock::time_point now) {
  pool.on_result(*pick.slot, pick.ticket, std::nullopt, result, decision, now);
}

// Picks everything the pool gives at `now` and completes each pick at once as accepted.
// Returns the number of picks per gateway name.
std::map<std::string, int> drain(GatewayPool& pool, const std::string& channel, int segments,
                                 Clock::time_point now) {
  std::map<std::string, int> picks;
  for (;;) {
    const GatewayPool::Pick pick = pool.pick(channel, segments, now);
    if (!pick.slot) break;
    ++picks[pick.slot->gateway->name()];
    answer(pool, pick, accepted(), done(), now);
  }
  return picks;
}

// Makes `name` fail until it leaves the rotation, picking at 1 ms steps from `now` and
// accepting whatever goes to the other gateways. Returns when it went out.
Clock::time_point fail_until_out(GatewayPool& pool, const std::string& channel,
                                 const std::string& name, Clock::time_point now) {
  GatewaySlot& target = slot_named(pool, name);
  for (int step = 0; step < 10'000; ++step, now += 1ms) {
    for (;;) {
      const GatewayPool::Pick pick = pool.pick(channel, 1, now);
      if (!pick.slot) break;
      if (pick.slot == &target) {
        answer(pool, pick, timed_out(), retry_and_blame_gateway(), now);
        if (target.down_until > now) return now;
      } else {
        answer(pool, pick, accepted(), done(), now);
      }
    }
  }
  ADD_FAILURE() << name << " never left the rotation";
  return now;
}

// Picks at `now`, completing picks of other gateways as accepted, until `target` is picked
// (returned in flight) or nothing more can be picked (no slot).
GatewayPool::Pick pick_until(GatewayPool& pool, const std::string& channel, GatewaySlot& target,
                             Clock::time_point now) {
  for (;;) {
    const GatewayPool::Pick pick = pool.pick(channel, 1, now);
    if (!pick.slot || pick.slot == &target) return pick;
    answer(pool, pick, accepted(), done(), now);
  }
}

TEST(GatewayPool, PicksOnlyGatewaysOfTheAskedChannel) {
  GatewayPool pool =
      make_pool({{"sms-a", "sms", 100}, {"mail", "email", 100}, {"sms-b", "sms", 100}});
  EXPECT_TRUE(pool.has_channel("sms"));
  EXPECT_TRUE(pool.has_channel("email"));
  std::map<std::string, int> sms;
  std::map<std::string, int> email;
  for (Clock::time_point now = t0; now < t0 + 1s; now += 1ms) {
    for (const auto& [name, n] : drain(pool, "sms", 1, now)) sms[name] += n;
    for (const auto& [name, n] : drain(pool, "email", 1, now)) email[name] += n;
  }
  EXPECT_EQ(sms.count("mail"), 0u);
  EXPECT_GT(sms["sms-a"], 0);
  EXPECT_GT(sms["sms-b"], 0);
  ASSERT_EQ(email.size(), 1u);
  EXPECT_GT(email["mail"], 0);
}

TEST(GatewayPool, UnknownChannelYieldsNoSlot) {
  GatewayPool pool = make_pool({{"sms-a", "sms", 100}, {"mail", "email", 100}});
  EXPECT_FALSE(pool.has_channel("fax"));
  const GatewayPool::Pick pick = pool.pick("fax", 1, t0);
  EXPECT_EQ(pick.slot, nullptr);
  EXPECT_GT(pick.wait, Clock::duration::zero());
  // Nothing was taken from the other channels' gateways.
  for (const auto& slot : pool.slots()) EXPECT_EQ(slot->in_flight, 0);
}

TEST(GatewayPool, SharesABlastInProportionToRatesWithinEachRate) {
  GatewayPool pool = make_pool({{"slow", "sms", 50}, {"fast", "sms", 200}});
  const auto window = 10s;
  const int steps = static_cast<int>(window / 1ms);
  // Segments taken at each millisecond, per gateway.
  std::map<std::string, std::vector<int>> taken;
  taken["slow"].assign(steps, 0);
  taken["fast"].assign(steps, 0);
  for (int step = 0; step < steps; ++step) {
    const Clock::time_point now = t0 + step * 1ms;
    for (const auto& [name, n] : drain(pool, "sms", 1, now)) taken.at(name)[step] += n;
  }
  auto total = [](const std::vector<int>& v) {
    long sum = 0;
    for (int n : v) sum += n;
    return sum;
  };
  const long slow = total(taken["slow"]);
  const long fast = total(taken["fast"]);
  ASSERT_GT(slow, 0);
  const double ratio = static_cast<double>(fast) / static_cast<double>(slow);
  RecordProperty("slow_segments", static_cast<int>(slow));
  RecordProperty("fast_segments", static_cast<int>(fast));
  EXPECT_NEAR(ratio, 4.0, 4.0 * 0.05) << "slow " << slow << ", fast " << fast;
  // As much as possible: each gateway ran at its rate (answered at once, a send leaves the
  // window a second after it went; 1 ms steps lose a little at fractional intervals).
  EXPECT_GE(slow, 50 * 10 * 0.95);
  EXPECT_LE(slow, 50 * 10);
  EXPECT_GE(fast, 200 * 10 * 0.95);
  EXPECT_LE(fast, 200 * 10);

  // No gateway exceeds its rate in any 1-second window (sliding, 1 ms steps): the segment
  // window holds even the burst.
  for (const GatewaySpec& spec :
       {GatewaySpec{"slow", "sms", 50}, GatewaySpec{"fast", "sms", 200}}) {
    const std::vector<int>& v = taken[spec.name];
    const int window_steps = 1000;
    long in_window = 0;
    long worst = 0;
    for (int step = 0; step < steps; ++step) {
      in_window += v[step];
      if (step >= window_steps) in_window -= v[step - window_steps];
      worst = std::max(worst, in_window);
    }
    RecordProperty(spec.name + "_worst_1s_window", static_cast<int>(worst));
    EXPECT_LE(static_cast<double>(worst), spec.rate) << spec.name;
    // And the window is actually used, so the bound above is tight enough to mean something.
    EXPECT_GE(static_cast<double>(worst), spec.rate * 0.95) << spec.name;
  }
}

TEST(GatewayPool, MultiSegmentMessagesTakeThatManyTokens) {
  // 30 segments/s: a 3-segment SMS goes out about 10 times a second, a 1-segment one 30.
  for (const int segments : {3, 1}) {
    GatewayPool pool = make_pool({{"sms-a", "sms", 30}});
    int messages = 0;
    for (Clock::time_point now = t0; now < t0 + 10s; now += 1ms) {
      for (const auto& [name, n] : drain(pool, "sms", segments, now)) messages += n;
    }
    const double per_second = messages / 10.0;
    EXPECT_NEAR(per_second, 30.0 / segments, 30.0 / segments * 0.05) << segments << " segments";
  }
}

// Gateways limit segments per second, and a token bucket alone lets a window hold its
// refill plus its largest single take: on a 50/s gateway, 4-segment texts among 1-segment
// ones would push some seconds to 52 or 53. The segment window keeps every second within
// the rate, whatever the mix, and the rate is still nearly all used.
TEST(GatewayPool, MixedSegmentCountsNeverOverfillASecond) {
  GatewayPool pool = make_pool({{"slow", "sms", 50}});
  const int steps = 20'000;  // 20 s in 1 ms steps
  std::vector<int> taken(steps, 0);
  long total = 0;
  int next = 0;  // index into the message queue: every fifth text has 4 segments
  for (int step = 0; step < steps; ++step) {
    const Clock::time_point now = t0 + step * 1ms;
    for (;;) {
      const int segments = next % 5 == 0 ? 4 : 1;
      const GatewayPool::Pick pick = pool.pick("sms", segments, now);
      if (!pick.slot) break;
      answer(pool, pick, accepted(), done(), now);
      taken[step] += segments;
      total += segments;
      ++next;
    }
  }
  long in_window = 0;
  long worst = 0;
  for (int step = 0; step < steps; ++step) {
    in_window += taken[step];
    if (step >= 1000) in_window -= taken[step - 1000];
    worst = std::max(worst, in_window);
  }
  RecordProperty("worst_1s_window", static_cast<int>(worst));
  EXPECT_LE(worst, 50);
  EXPECT_GE(total, 50 * 20 * 0.95);
}

// What the provider may still count holds the gateway's window: a send stays counted until
// its answer, then until a second after its write plus its round trip (at most 10 ms).
TEST(GatewayPool, ASendHoldsItsPlaceInTheWindowUntilItsAnswer) {
  GatewayPool pool = make_pool({{"slow", "sms", 2}});
  const GatewayPool::Pick first = pool.pick("sms", 1, t0);
  const GatewayPool::Pick second = pool.pick("sms", 1, t0);
  ASSERT_NE(first.slot, nullptr);
  ASSERT_NE(second.slot, nullptr);
  // Long after the bucket has refilled, both are unanswered: nothing more goes.
  const GatewayPool::Pick held = pool.pick("sms", 1, t0 + 3s);
  EXPECT_EQ(held.slot, nullptr);
  EXPECT_GT(held.wait, Clock::duration::zero());
  // The first is answered 3 s after it was written: counted until its write + 1 s + 10 ms,
  // long past, so one may go now.
  pool.on_result(*first.slot, first.ticket, t0, accepted(), done(), t0 + 3s);
  const GatewayPool::Pick next = pool.pick("sms", 1, t0 + 3s);
  ASSERT_NE(next.slot, nullptr);
  EXPECT_EQ(pool.pick("sms", 1, t0 + 3s).slot, nullptr);
  // The second, written late (a slow connect) and answered 4 ms later, is counted from its
  // write: until t0 + 3 s - 4 ms + 1 s + 4 ms.
  pool.on_result(*second.slot, second.ticket, t0 + 3s - 4ms, accepted(), done(), t0 + 3s);
  const GatewayPool::Pick blocked = pool.pick("sms", 1, t0 + 3s);
  EXPECT_EQ(blocked.slot, nullptr);
  EXPECT_EQ(ms(blocked.wait), 1000);
  EXPECT_EQ(pool.pick("sms", 1, t0 + 4s - 1ms).slot, nullptr);
  EXPECT_NE(pool.pick("sms", 1, t0 + 4s).slot, nullptr);
}

TEST(GatewayPool, RespectsMaxConcurrency) {
  GatewayPool pool = make_pool({{"sms-a", "sms", 1000, 3}});
  GatewaySlot& slot = slot_named(pool, "sms-a");
  std::vector<GatewayPool::Pick> held;
  for (int i = 0; i < 3; ++i) {
    const GatewayPool::Pick pick = pool.pick("sms", 1, t0);
    ASSERT_NE(pick.slot, nullptr) << i;
    held.push_back(pick);
  }
  EXPECT_EQ(slot.in_flight, 3);
  // At the limit, with tokens to spare: no slot, and a short wait (a completion is what
  // really wakes the caller).
  const GatewayPool::Pick blocked = pool.pick("sms", 1, t0 + 50ms);
  EXPECT_EQ(blocked.slot, nullptr);
  EXPECT_GT(blocked.wait, Clock::duration::zero());
  EXPECT_LE(blocked.wait, Clock::duration{100ms});
  EXPECT_EQ(slot.in_flight, 3);
  // One completes: one more may go.
  answer(pool, held.back(), accepted(), done(), t0 + 50ms);
  held.pop_back();
  EXPECT_EQ(slot.in_flight, 2);
  const GatewayPool::Pick next = pool.pick("sms", 1, t0 + 50ms);
  EXPECT_EQ(next.slot, &slot);
  EXPECT_EQ(slot.in_flight, 3);
  EXPECT_EQ(pool.pick("sms", 1, t0 + 50ms).slot, nullptr);
}

TEST(GatewayPool, InFlightNeverExceedsMaxConcurrencyUnderLoad) {
  // Requests take 7 ms; the rate alone would allow far more than 4 at once.
  GatewayPool pool = make_pool({{"sms-a", "sms", 2000, 4}, {"sms-b", "sms", 2000, 2}});
  std::multimap<Clock::time_point, GatewayPool::Pick> pending;  // completion time -> pick
  int picks = 0;
  int worst_a = 0;
  int worst_b = 0;
  for (Clock::time_point now = t0; now < t0 + 2s; now += 1ms) {
    while (!pending.empty() && pending.begin()->first <= now) {
      answer(pool, pending.begin()->second, accepted(), done(), now);
      pending.erase(pending.begin());
    }
    for (;;) {
      const GatewayPool::Pick pick = pool.pick("sms", 1, now);
      if (!pick.slot) break;
      ++picks;
      pending.emplace(now + 7ms, pick);
      worst_a = std::max(worst_a, slot_named(pool, "sms-a").in_flight);
      worst_b = std::max(worst_b, slot_named(pool, "sms-b").in_flight);
    }
  }
  EXPECT_EQ(worst_a, 4);
  EXPECT_EQ(worst_b, 2);
  // The limit, not the rate, bounded the throughput: 6 requests per 7 ms.
  EXPECT_NEAR(picks, 2000 / 7 * 6, 30);
}

TEST(GatewayPool, FailingGatewayLeavesRotationThenIsTriedAgain) {
  GatewayPool pool = make_pool({{"sms-a", "sms", 100}, {"sms-b", "sms", 100}});
  GatewaySlot& a = slot_named(pool, "sms-a");
  const Clock::time_point out = fail_until_out(pool, "sms", "sms-a", t0);
  EXPECT_EQ(a.consecutive_failures, GatewayPool::kFailuresBeforeOutage);
  EXPECT_EQ(a.failed, static_cast<uint64_t>(GatewayPool::kFailuresBeforeOutage));
  EXPECT_EQ(ms(a.down_until - out), ms(GatewayPool::kFirstOutage));

  // Until down_until, sms-b gets every pick.
  std::map<std::string, int> picks;
  Clock::time_point now = out;
  for (; now < a.down_until; now += 1ms) {
    for (const auto& [name, n] : drain(pool, "sms", 1, now)) picks[name] += n;
  }
  EXPECT_EQ(picks["sms-a"], 0);
  EXPECT_GT(picks["sms-b"], 0);

  // When its time comes, sms-a is tried again; a success puts it fully back.
  const GatewayPool::Pick probe = pick_until(pool, "sms", a, a.down_until);
  ASSERT_EQ(probe.slot, &a);
  answer(pool, probe, accepted(), done(), a.down_until);
  EXPECT_EQ(a.consecutive_failures, 0);
  EXPECT_LE(a.down_until, now);
}

TEST(GatewayPool, AFailedProbeDoublesTheOutage) {
  GatewayPool pool = make_pool({{"sms-a", "sms", 100}, {"sms-b", "sms", 100}});
  GatewaySlot& a = slot_named(pool, "sms-a");
  fail_until_out(pool, "sms", "sms-a", t0);
  const Clock::time_point back = a.down_until;
  ASSERT_EQ(pick_until(pool, "sms", a, back - 1ms).slot, nullptr);
  const GatewayPool::Pick probe = pick_until(pool, "sms", a, back);
  ASSERT_EQ(probe.slot, &a);
  answer(pool, probe, timed_out(), retry_and_blame_gateway(), back + 10ms);
  EXPECT_EQ(ms(a.down_until - (back + 10ms)), ms(2 * GatewayPool::kFirstOutage));
}

TEST(GatewayPool, FailuresOfRequestsAlreadyInFlightDoNotLengthenTheOutage) {
  // Ten requests are in flight on sms-a when it starts timing out: the fifth failure takes
  // it out for kFirstOutage; the five after it were sent before the outage and say nothing
  // new, so the outage stays kFirstOutage and a failed probe then doubles it once.
  GatewayPool pool = make_pool({{"sms-a", "sms", 1000, 10}, {"sms-b", "sms", 1000}});
  GatewaySlot& a = slot_named(pool, "sms-a");
  std::vector<GatewayPool::Pick> in_flight;
  Clock::time_point now = t0;
  for (int step = 0; step < 1000 && in_flight.size() < 10; ++step, now += 1ms) {
    if (const GatewayPool::Pick pick = pick_until(pool, "sms", a, now); pick.slot) {
      in_flight.push_back(pick);
    }
  }
  ASSERT_EQ(in_flight.size(), 10u);
  ASSERT_EQ(a.in_flight, 10);
  const Clock::time_point failing = now + 10s;
  for (const GatewayPool::Pick& pick : in_flight) {
    answer(pool, pick, timed_out(), retry_and_blame_gateway(), failing);
  }
  EXPECT_EQ(a.in_flight, 0);
  EXPECT_EQ(a.failed, 10u);
  EXPECT_EQ(a.consecutive_failures, GatewayPool::kFailuresBeforeOutage);
  EXPECT_EQ(ms(a.down_until - failing), ms(GatewayPool::kFirstOutage));

  ASSERT_EQ(pick_until(pool, "sms", a, a.down_until - 1ms).slot, nullptr);
  const GatewayPool::Pick probe = pick_until(pool, "sms", a, a.down_until);
  ASSERT_EQ(probe.slot, &a);
  const Clock::time_point probe_failed = a.down_until + 5ms;
  answer(pool, probe, timed_out(), retry_and_blame_gateway(), probe_failed);
  EXPECT_EQ(ms(a.down_until - probe_failed), ms(2 * GatewayPool::kFirstOutage));
}

TEST(GatewayPool, WhenAllGatewaysAreDownTheFirstDueBackIsProbed) {
  GatewayPool pool = make_pool({{"sms-a", "sms", 100}, {"sms-b", "sms", 100}});
  GatewaySlot& a = slot_named(pool, "sms-a");
  GatewaySlot& b = slot_named(pool, "sms-b");
  fail_until_out(pool, "sms", "sms-a", t0);
  // sms-b goes out later (0.5 s later), so it is due back after sms-a.
  Clock::time_point now = t0 + 500ms;
  ASSERT_LT(now, a.down_until);
  for (int i = 0; i < GatewayPool::kFailuresBeforeOutage; ++i) {
    const GatewayPool::Pick pick = pool.pick("sms", 1, now);
    ASSERT_EQ(pick.slot, &b) << i;
    answer(pool, pick, timed_out(), retry_and_blame_gateway(), now);
    now += 20ms;  // more than a token's time
  }
  ASSERT_GT(b.down_until, now);
  ASSERT_LT(a.down_until, b.down_until);

  // Everything is down: no slot, and the wait says when sms-a is due.
  const GatewayPool::Pick none = pool.pick("sms", 1, now);
  EXPECT_EQ(none.slot, nullptr);
  EXPECT_EQ(ms(none.wait), ms(a.down_until - now));
  EXPECT_EQ(pool.pick("sms", 1, a.down_until - 1ms).slot, nullptr);

  // At its time, sms-a is probed; sms-b is still out.
  const Clock::time_point due = a.down_until;
  const GatewayPool::Pick probe = pool.pick("sms", 1, due);
  EXPECT_EQ(probe.slot, &a);
  EXPECT_NE(pool.pick("sms", 1, due).slot, &b);
}

TEST(GatewayPool, AnAcceptedResultResetsTheFailureCount) {
  GatewayPool pool = make_pool({{"sms-a", "sms", 1000}});
  GatewaySlot& a = slot_named(pool, "sms-a");
  Clock::time_point now = t0;
  auto fail = [&] {
    const GatewayPool::Pick pick = pool.pick("sms", 1, now);
    ASSERT_EQ(pick.slot, &a);
    answer(pool, pick, timed_out(), retry_and_blame_gateway(), now);
    now += 10ms;
  };
  for (int i = 0; i < GatewayPool::kFailuresBeforeOutage - 1; ++i) fail();
  EXPECT_EQ(a.consecutive_failures, GatewayPool::kFailuresBeforeOutage - 1);

  const GatewayPool::Pick ok = pool.pick("sms", 1, now);
  ASSERT_EQ(ok.slot, &a);
  answer(pool, ok, accepted(), done(), now);
  EXPECT_EQ(a.consecutive_failures, 0);
  EXPECT_EQ(a.accepted, 1u);

  // Four more failures are not five in a row: still in rotation.
  for (int i = 0; i < GatewayPool::kFailuresBeforeOutage - 1; ++i) fail();
  EXPECT_LE(a.down_until, now);
  EXPECT_EQ(pool.pick("sms", 1, now).slot, &a);
}

TEST(GatewayPool, ThrottleHalvesTheRateAndHonoursRetryAfter) {
  GatewayPool pool = make_pool({{"sms-a", "sms", 100}});
  GatewaySlot& a = slot_named(pool, "sms-a");
  const GatewayPool::Pick pick = pool.pick("sms", 1, t0);
  ASSERT_EQ(pick.slot, &a);
  const Clock::time_point throttled_at = t0 + 20ms;
  answer(pool, pick, throttled(2s), retry_and_slow_down(), throttled_at);
  EXPECT_EQ(a.throttled, 1u);
  EXPECT_DOUBLE_EQ(a.adaptive.rate(throttled_at), 50.0);
  EXPECT_DOUBLE_EQ(a.bucket.rate(), 50.0) << "the bucket follows the effective rate";
  EXPECT_EQ(a.consecutive_failures, 0);

  // Nothing goes to sms-a before the Retry-After has passed.
  const GatewayPool::Pick early = pool.pick("sms", 1, throttled_at);
  EXPECT_EQ(early.slot, nullptr);
  EXPECT_GE(early.wait, Clock::duration{2s});
  for (Clock::time_point now = throttled_at; now < throttled_at + 2s; now += 1ms) {
    ASSERT_EQ(pool.pick("sms", 1, now).slot, nullptr);
  }
  // Then it sends again, at half the rate.
  int messages = 0;
  for (Clock::time_point now = throttled_at + 2s; now < throttled_at + 7s; now += 1ms) {
    for (const auto& [name, n] : drain(pool, "sms", 1, now)) messages += n;
  }
  EXPECT_NEAR(messages, 50 * 5, 6);
}

TEST(GatewayPool, ThrottleOfOneGatewaySendsTheOthersWork) {
  GatewayPool pool = make_pool({{"sms-a", "sms", 100}, {"sms-b", "sms", 100}});
  GatewaySlot& a = slot_named(pool, "sms-a");
  const GatewayPool::Pick pick = pick_until(pool, "sms", a, t0);
  ASSERT_EQ(pick.slot, &a);
  answer(pool, pick, throttled(3s), retry_and_slow_down(), t0);
  std::map<std::string, int> picks;
  for (Clock::time_point now = t0; now < t0 + 3s; now += 1ms) {
    for (const auto& [name, n] : drain(pool, "sms", 1, now)) picks[name] += n;
  }
  EXPECT_EQ(picks["sms-a"], 0);
  EXPECT_GT(picks["sms-b"], 250);
}

TEST(GatewayPool, TickRestoresTheRateGradually) {
  GatewayPool pool = make_pool({{"sms-a", "sms", 100}});
  GatewaySlot& a = slot_named(pool, "sms-a");
  const GatewayPool::Pick pick = pool.pick("sms", 1, t0);
  ASSERT_EQ(pick.slot, &a);
  answer(pool, pick, throttled(1s), retry_and_slow_down(), t0);
  ASSERT_DOUBLE_EQ(a.adaptive.rate(t0), 50.0);

  // A tick every second: +10% of the configured rate per full 10 s, up to the configured rate.
  std::vector<double> every_ten_seconds;
  for (int second = 1; second <= 70; ++second) {
    pool.tick(t0 + std::chrono::seconds(second));
    const auto now = t0 + std::chrono::seconds(second);
    if (second == 9) {
      EXPECT_DOUBLE_EQ(a.adaptive.rate(now), 50.0);
    }
    if (second % 10 == 0) {
      every_ten_seconds.push_back(a.adaptive.rate(now));
      EXPECT_DOUBLE_EQ(a.bucket.rate(), a.adaptive.rate(now)) << "the bucket follows";
    }
  }
  const std::vector<double> expected = {60, 70, 80, 90, 100, 100, 100};
  ASSERT_EQ(every_ten_seconds.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_NEAR(every_ten_seconds[i], expected[i], 1e-9) << "after " << (i + 1) * 10 << " s";
  }
}

TEST(GatewayPool, RepeatedThrottlesDoNotGoBelowTheFloor) {
  GatewayPool pool = make_pool({{"sms-a", "sms", 100}});
  GatewaySlot& a = slot_named(pool, "sms-a");
  Clock::time_point now = t0;
  for (int i = 0; i < 10; ++i) {
    const GatewayPool::Pick pick = pool.pick("sms", 1, now);
    ASSERT_EQ(pick.slot, &a) << i;
    answer(pool, pick, throttled(10ms), retry_and_slow_down(), now);
    now += 1s;
  }
  EXPECT_DOUBLE_EQ(a.adaptive.rate(now), 100 * AdaptiveRate::kFloorFraction);
}

}  // namespace
}  // namespace tocsin::dispatch
