#include "dispatch/gateway_pool.h"

#include <algorithm>
#include <limits>

namespace tocsin::dispatch {
namespace {

// How far a provider's count may drift from ours: a request sent at t is counted when it
// arrives, after our event loop, the kernel and the provider's server have each had their
// turn, and on a busy 2-core machine some requests take ~10 ms longer than others. So one
// of the provider's seconds can hold what we sent over 1 s + kArrivalJitter, and that is
// the span of each gateway's SegmentWindow, whose limit is the gateway's rate: no second
// the provider counts is over the rate, whatever the message sizes, as long as the jitter
// stays within this (gateway_rate_bench shows it: with other builds keeping the load
// average above 4, the odd sliding second went over by a few segments; the server's own
// seconds never did).
constexpr GatewaySlot::Clock::duration kArrivalJitter = std::chrono::milliseconds(10);
// The token bucket paces just under the window's limit, leaving this much of the span
// unused in steady sending, so that the window seldom has to hold anything back.
constexpr double kSteadyMarginSeconds = 0.003;
// The bucket's burst: 10 ms of sending, at least two segments. The pump takes a token as
// soon as one is there, so the balance stays low and the burst only absorbs the pump
// waking late (a busy loop, a loaded machine): tokens that fall due while the bucket is
// full are lost. With a burst of one segment, every token of a slow gateway falls due
// exactly when the bucket is full (a 200/s gateway lost 4% to wake-ups 0.3 ms late on
// average); with 5 ms, the 1000/s one lost 1.5% at a load average of 5 on 2 cores. The
// window, not the burst, bounds what a provider sees; a longer burst (20 ms) made the
// odd late burst show in the provider's sliding seconds.
constexpr double kBurstSeconds = 0.010;
constexpr double kMinBurst = 2.0;

double seconds(GatewaySlot::Clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

double burst_for(double rate) {
  return std::max(kMinBurst, rate * kBurstSeconds);
}

// The bucket's refill for a gateway limited to `rate` segments a second: 98.7% of it
// (rate / 1.013), the rest being the jitter allowance and the steady margin above. The
// refill used to be 99.5% of the rate minus the burst, which kept a token bucket's own
// windows under the rate but left no room for the jitter (at 1,000/s a provider's sliding
// second saw up to 1,003) nor for a multi-segment SMS (on the 50/s gateway, one got a 429,
// which halved that gateway's rate for the rest of the blast).
double refill_for(double rate) {
  return rate / (1.0 + seconds(kArrivalJitter) + kSteadyMarginSeconds);
}

}  // namespace

GatewaySlot::GatewaySlot(std::unique_ptr<adapters::Gateway> gw, int concurrency,
                         Clock::time_point now)
    : gateway(std::move(gw)),
      bucket(refill_for(gateway->rate_per_second()), burst_for(gateway->rate_per_second()), now),
      window(gateway->rate_per_second(), std::chrono::seconds(1) + kArrivalJitter),
      adaptive(gateway->rate_per_second(), now),
      max_concurrency(std::max(1, concurrency)) {}

GatewayPool::GatewayPool(std::vector<std::unique_ptr<GatewaySlot>> slots)
    : slots_(std::move(slots)) {}

bool GatewayPool::has_channel(const std::string& channel) const {
  return std::any_of(slots_.begin(), slots_.end(),
                     [&](const auto& slot) { return slot->gateway->channel() == channel; });
}

GatewayPool::Pick GatewayPool::pick(const std::string& channel, int segments,
                                    Clock::time_point now) {
  // While every gateway of the channel is out, the one due back first is tried (a probe):
  // a channel is never left with nothing to send through.
  bool any_healthy = false;
  GatewaySlot* first_back = nullptr;
  for (const auto& slot : slots_) {
    if (slot->gateway->channel() != channel) continue;
    if (slot->down_until <= now) any_healthy = true;
    if (!first_back || slot->down_until < first_back->down_until) first_back = slot.get();
  }

  GatewaySlot* best = nullptr;
  double best_share = -std::numeric_limits<double>::infinity();
  auto soonest = Clock::duration::max();
  for (const auto& slot : slots_) {
    if (slot->gateway->channel() != channel) continue;
    if (any_healthy ? slot->down_until > now : slot.get() != first_back) continue;
    if (!any_healthy && slot->down_until > now) {
      soonest = std::min(soonest, slot->down_until - now);
      continue;
    }
    if (slot->in_flight >= slot->max_concurrency) continue;
    const auto wait =
        std::max(slot->bucket.wait_for(segments, now), slot->window.wait_for(segments, now));
    if (wait > Clock::duration::zero()) {
      soonest = std::min(soonest, wait);
      continue;
    }
    const double share = slot->bucket.available(now) / slot->bucket.rate();
    if (share > best_share) {
      best_share = share;
      best = slot.get();
    }
  }
  if (!best) {
    // Only the concurrency limit stands in the way: a completion wakes the caller, and
    // this is a safety net.
    if (soonest == Clock::duration::max()) soonest = std::chrono::milliseconds(100);
    return Pick{nullptr, soonest};
  }
  best->bucket.try_take(segments, now);
  best->window.take(segments, now);
  ++best->in_flight;
  return Pick{best, {}};
}

void GatewayPool::on_result(GatewaySlot& slot, const SendResult& result,
                            const RetryDecision& decision, Clock::time_point now) {
  --slot.in_flight;
  if (result.outcome == Outcome::accepted) ++slot.accepted;
  if (result.outcome == Outcome::throttled) ++slot.throttled;
  if (decision.slow_down_gateway) {
    slot.adaptive.on_throttle(now);
    slot.bucket.set_rate(refill_for(slot.adaptive.rate(now)), now);
    if (result.retry_after) slot.bucket.penalize(now + *result.retry_after);
  }
  if (decision.count_against_gateway_health) {
    ++slot.failed;
    if (slot.down_until > now) {
      // Already out: nothing is sent through it before down_until, so this is a request
      // that was in flight when the outage began. It says nothing new; counting it would
      // turn a first outage with many requests in flight into a 30 s one.
    } else if (++slot.consecutive_failures >= kFailuresBeforeOutage) {
      // 1 s, 2 s, 4 s... for each further failure (the probes that fail), up to 30 s.
      const int extra = std::min(slot.consecutive_failures - kFailuresBeforeOutage, 5);
      const auto outage = std::min<Clock::duration>(kFirstOutage * (1 << extra), kLongestOutage);
      slot.down_until = now + outage;
    }
  } else if (result.outcome != Outcome::throttled) {
    // The gateway answered sensibly (accepted, or a verdict about the message itself).
    slot.consecutive_failures = 0;
    slot.down_until = {};
  }
}

void GatewayPool::tick(Clock::time_point now) {
  for (const auto& slot : slots_) {
    const double rate = refill_for(slot->adaptive.rate(now));
    if (rate != slot->bucket.rate()) slot->bucket.set_rate(rate, now);
  }
}

}  // namespace tocsin::dispatch
