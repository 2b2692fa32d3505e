#pragma once
// The send rate to use for a gateway that throttles us: additive-increase /
// multiplicative-decrease, as TCP does, because a gateway's real limit is unknown and can
// change (shared short codes, carrier-side limits). Halving on each throttle backs off fast
// enough to stop a storm of 429s; recovering by small steps finds the limit again without
// oscillating. Time is passed in; the caller copies rate(now) into the gateway's TokenBucket
// after a throttle and on its periodic tick.

#include <chrono>

namespace tocsin::dispatch {

class AdaptiveRate {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr Clock::duration kRecoveryStep = std::chrono::seconds{10};
  static constexpr double kRecoveryFraction = 0.1;  // of the configured rate, per step
  static constexpr double kFloorFraction = 0.1;     // of the configured rate

  // configured_rate > 0 (std::invalid_argument otherwise), in segments per second.
  AdaptiveRate(double configured_rate, Clock::time_point now);

  // A throttle signal: halve the current effective rate, not below the floor.
  void on_throttle(Clock::time_point now);

  // The effective rate: after the last throttle, +10% of the configured rate for each full
  // 10 s without throttling, never above the configured rate.
  double rate(Clock::time_point now) const;

  double configured_rate() const { return configured_; }
  // A floor, so a burst of 429s cannot push the rate to zero, from where recovery would
  // take minutes while urgent alerts wait.
  double floor_rate() const { return configured_ * kFloorFraction; }

 private:
  double configured_;
  double reduced_;           // the effective rate right after the last throttle
  Clock::time_point since_;  // when reduced_ was set
};

}  // namespace tocsin::dispatch
