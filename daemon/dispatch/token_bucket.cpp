#include "dispatch/token_bucket.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace tocsin::dispatch {
namespace {

// Refill arithmetic is in double; this slack keeps a take scheduled by wait_for from
// failing on a rounding error. It is a billionth of a segment per take, far below anything
// a gateway could notice.
constexpr double kSlack = 1e-9;

void check_rate(double rate_per_second) {
  if (!(rate_per_second > 0.0) || !std::isfinite(rate_per_second)) {
    throw std::invalid_argument("token bucket rate must be a positive number of segments/s");
  }
}

double seconds(TokenBucket::Clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

}  // namespace

TokenBucket::TokenBucket(double rate_per_second, double burst, Clock::time_point now)
    : rate_(rate_per_second),
      burst_(burst),
      balance_(burst),
      last_refill_(now),
      penalized_until_(now) {
  check_rate(rate_per_second);
  if (!(burst >= 1.0) || !std::isfinite(burst)) {
    throw std::invalid_argument("token bucket burst must be at least 1 segment");
  }
}

double TokenBucket::balance_at(Clock::time_point now) const {
  // A time point older than the last refill (a caller holding a stale `now`, or a time
  // inside a penalty) earns nothing; time never runs backwards for the bucket.
  if (now <= last_refill_) return balance_;
  return std::min(burst_, balance_ + rate_ * seconds(now - last_refill_));
}

void TokenBucket::refill(Clock::time_point now) {
  if (now <= last_refill_) return;
  balance_ = balance_at(now);
  last_refill_ = now;
}

bool TokenBucket::try_take(double tokens, Clock::time_point now) {
  if (tokens <= 0.0) return true;
  if (now < penalized_until_) return false;
  refill(now);
  if (balance_ + kSlack < std::min(tokens, burst_)) return false;
  balance_ -= tokens;
  return true;
}

TokenBucket::Clock::duration TokenBucket::wait_for(double tokens, Clock::time_point now) const {
  if (tokens <= 0.0) return Clock::duration::zero();
  // Nothing accrues before last_refill_ (which a penalty moves forward), so that is the
  // earliest instant counting can start from.
  const Clock::time_point start = std::max({now, last_refill_, penalized_until_});
  // Exact, without the slack: rounding the wait up to a whole tick, together with the
  // slack in try_take, guarantees the take succeeds at now + wait.
  const double deficit = std::min(tokens, burst_) - balance_at(start);
  Clock::duration wait = start - now;
  if (deficit > 0.0) {
    using Period = Clock::duration::period;
    const double ticks = std::ceil(deficit / rate_ * Period::den / Period::num);
    wait += Clock::duration{static_cast<Clock::duration::rep>(ticks)};
  }
  return wait;
}

void TokenBucket::set_rate(double rate_per_second, Clock::time_point now) {
  check_rate(rate_per_second);
  refill(now);
  rate_ = rate_per_second;
}

double TokenBucket::available(Clock::time_point now) const {
  return balance_at(now);
}

void TokenBucket::penalize(Clock::time_point until) {
  // The balance at `until` is what it would naturally be (nothing can be taken before
  // then), except that saved-up tokens are dropped. A debt from a large message keeps
  // being paid during the penalty, since nothing is sent meanwhile; it is never forgiven,
  // which would let a penalty raise the long-run rate.
  refill(until);
  balance_ = std::min(balance_, 0.0);
  last_refill_ = std::max(last_refill_, until);
  penalized_until_ = std::max(penalized_until_, until);
}

}  // namespace tocsin::dispatch
