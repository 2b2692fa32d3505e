#pragma once
// The gateways of each channel, with what the engine needs to share work among them: a
// token bucket counted in segments that paces sending at the gateway's configured rate
// (slowed by an adaptive rate when it throttles), a segment window that keeps every second
// the provider counts within that rate (segment_window.h says how and what it assumes), a
// concurrency limit, and a health state. A message goes to the healthy gateway of its
// channel that can take it soonest; when several can take it now, to the one with the most
// tokens left relative to its rate, which shares a blast in proportion to the rates. Time
// is passed in. No I/O.

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "adapters/gateway.h"
#include "dispatch/adaptive_rate.h"
#include "dispatch/retry_policy.h"
#include "dispatch/segment_window.h"
#include "dispatch/token_bucket.h"

namespace tocsin::dispatch {

struct GatewaySlot {
  using Clock = std::chrono::steady_clock;

  GatewaySlot(std::unique_ptr<adapters::Gateway> gateway, int max_concurrency,
              Clock::time_point now);

  std::unique_ptr<adapters::Gateway> gateway;
  TokenBucket bucket;
  // At most the configured rate in any second the provider counts (see gateway_pool.cpp).
  SegmentWindow window;
  AdaptiveRate adaptive;
  int max_concurrency;
  int in_flight = 0;
  int consecutive_failures = 0;
  Clock::time_point down_until{};  // out of rotation before this
  // Counters for metrics and tests.
  uint64_t accepted = 0;
  uint64_t failed = 0;
  uint64_t throttled = 0;
};

class GatewayPool {
 public:
  using Clock = std::chrono::steady_clock;

  // After this many failures in a row a gateway leaves the rotation, first for
  // kFirstOutage, doubling up to kLongestOutage; it is then tried again (a probe).
  static constexpr int kFailuresBeforeOutage = 5;
  static constexpr Clock::duration kFirstOutage = std::chrono::seconds(1);
  static constexpr Clock::duration kLongestOutage = std::chrono::seconds(30);

  explicit GatewayPool(std::vector<std::unique_ptr<GatewaySlot>> slots);

  bool has_channel(const std::string& channel) const;

  struct Pick {
    GatewaySlot* slot = nullptr;       // set: tokens taken, in_flight counted
    Clock::duration wait{};            // no slot: try again after this long, or when a
                                       // request completes (concurrency, the window)
    SegmentWindow::Ticket ticket = 0;  // the send in slot's window, for on_result
  };
  // Takes `segments` tokens from the best gateway of the channel, when one can send now.
  Pick pick(const std::string& channel, int segments, Clock::time_point now);

  // The result of the request picked with `ticket` and sent through slot (after classify
  // and decide), at `now`; `written`: when the request was last written, if known (see
  // SegmentWindow::answered). Every pick that returned a slot must come back here.
  void on_result(GatewaySlot& slot, SegmentWindow::Ticket ticket,
                 std::optional<Clock::time_point> written, const SendResult& result,
                 const RetryDecision& decision, Clock::time_point now);

  // Gives a slow-started gateway its recovered rate: call about once a second.
  void tick(Clock::time_point now);

  const std::vector<std::unique_ptr<GatewaySlot>>& slots() const { return slots_; }

 private:
  std::vector<std::unique_ptr<GatewaySlot>> slots_;
};

}  // namespace tocsin::dispatch
