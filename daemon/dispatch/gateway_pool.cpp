#include "dispatch/gateway_pool.h"

#include <algorithm>
#include <limits>

namespace tocsin::dispatch {
namespace {

// How far apart a distant provider may count requests we wrote the same delay apart (see
// segment_window.h: a send holds its place for a second plus its round trip, at most plus
// this once even the provider's quickest answers take longer than half of it). A nearby
// provider's round trip bounds when it counted a request, whatever this is; for one across
// the internet it is an assumption about the network (its delay varies by less than this
// within a second), and it costs 1% of the rate there.
constexpr GatewaySlot::Clock::duration kArrivalSpread = std::chrono::milliseconds(10);
// The bucket's burst: 10 ms of sending, at least two segments. The pump takes a token as
// soon as one is there, so the balance stays low and the burst only absorbs the pump
// waking late (a busy loop, a loaded machine): tokens that fall due while the bucket is
// full are lost. With a burst of one segment, every token of a slow gateway falls due
// exactly when the bucket is full (a 200/s gateway lost 4% to wake-ups 0.3 ms late on
// average). The window, not the burst, bounds what a provider sees.
constexpr double kBurstSeconds = 0.010;
constexpr double kMinBurst = 2.0;

double burst_for(double rate) {
  return std::max(kMinBurst, rate * kBurstSeconds);
}

}  // namespace

GatewaySlot::GatewaySlot(std::unique_ptr<adapters::Gateway> gw, int concurrency,
                         Clock::time_point now)
    : gateway(std::move(gw)),
      // The bucket refills at the full rate: the window, which counts each send for a second
      // and its round trip, is what keeps the provider's seconds within it.
      bucket(gateway->rate_per_second(), burst_for(gateway->rate_per_second()), now),
      window(gateway->rate_per_second(), std::chrono::seconds(1), kArrivalSpread),
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
  const SegmentWindow::Ticket ticket = best->window.take(segments, now);
  ++best->in_flight;
  return Pick{best, {}, ticket};
}

void GatewayPool::on_result(GatewaySlot& slot, SegmentWindow::Ticket ticket,
                            std::optional<Clock::time_point> written, const SendResult& result,
                            const RetryDecision& decision, Clock::time_point now) {
  --slot.in_flight;
  slot.window.answered(ticket, written, now);
  if (result.outcome == Outcome::accepted) ++slot.accepted;
  if (result.outcome == Outcome::throttled) ++slot.throttled;
  if (decision.slow_down_gateway) {
    slot.adaptive.on_throttle(now);
    slot.bucket.set_rate(slot.adaptive.rate(now), now);
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
    const double rate = slot->adaptive.rate(now);
    if (rate != slot->bucket.rate()) slot->bucket.set_rate(rate, now);
  }
}

}  // namespace tocsin::dispatch
