#include "dispatch/adaptive_rate.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace tocsin::dispatch {

AdaptiveRate::AdaptiveRate(double configured_rate, Clock::time_point now)
    : configured_(configured_rate), reduced_(configured_rate), since_(now) {
  if (!(configured_rate > 0.0) || !std::isfinite(configured_rate)) {
    throw std::invalid_argument("adaptive rate must be a positive number of segments/s");
  }
}

double AdaptiveRate::rate(Clock::time_point now) const {
  // Whole steps only: the recovery is deliberately a staircase, so the rate sent to the
  // token bucket changes at most every 10 s instead of on every tick.
  const auto steps = now > since_ ? (now - since_) / kRecoveryStep : 0;
  const double recovered = reduced_ + static_cast<double>(steps) * kRecoveryFraction * configured_;
  return std::min(configured_, recovered);
}

void AdaptiveRate::on_throttle(Clock::time_point now) {
  // Halve what was in force at the throttle (including recovery so far), and restart the
  // recovery clock: the 10 s are counted "without throttling".
  reduced_ = std::max(floor_rate(), rate(now) / 2.0);
  since_ = std::max(since_, now);
}

}  // namespace tocsin::dispatch
