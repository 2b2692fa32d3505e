#pragma once
// A token bucket counted in SMS segments (gateways rate-limit in segments, not messages),
// with the time passed in by the caller so it can be tested without sleeping and driven by
// whatever clock the dispatcher's loop reads.
//
// Messages larger than the burst. A 10-segment message on a bucket of burst 5 could never
// find 10 tokens, so requests are admitted on min(tokens, burst) and the balance may go
// negative:
//   - a request of n <= burst segments is taken when the balance is >= n, so the balance
//     never drops below zero for it;
//   - a request of n > burst segments is taken only when the bucket is full (balance ==
//     burst) and leaves a debt of n - burst, which the refill pays back before anything
//     else is admitted.
// So a large message only waits for the bucket to fill, at most (burst + debt) / rate (never
// starved: a full bucket always admits it, and smaller messages cannot overtake it forever
// because the caller serves its queue in order), and over any window of length t the
// segments taken are at most rate * t + max(burst, largest request): the long-run rate is
// never exceeded, only a single oversized message can go out in one piece, as it must.

#include <chrono>

namespace tocsin::dispatch {

class TokenBucket {
 public:
  using Clock = std::chrono::steady_clock;

  // rate_per_second > 0, burst >= 1 (std::invalid_argument otherwise: these come from the
  // config at startup). The bucket starts full.
  TokenBucket(double rate_per_second, double burst, Clock::time_point now);

  // Takes `tokens` and returns true when the admission rule above allows it now.
  bool try_take(double tokens, Clock::time_point now);

  // Zero when try_take(tokens, now) would succeed, else how long until it would (assuming
  // nothing else is taken meanwhile). Rounded up, so try_take at now + wait_for succeeds.
  Clock::duration wait_for(double tokens, Clock::time_point now) const;

  // Refills up to `now` at the old rate first, so the time already elapsed is credited at
  // the rate that was in force then. rate_per_second > 0.
  void set_rate(double rate_per_second, Clock::time_point now);
  double rate() const { return rate_; }
  double burst() const { return burst_; }

  // Tokens available at `now` (negative while a large message's debt is being paid).
  double available(Clock::time_point now) const;

  // The gateway throttled us: nothing is taken before `until`, and the balance restarts
  // from zero (or the current debt) at `until`. Saved-up tokens are dropped because a
  // burst right when the gateway's Retry-After expires is what would get us throttled again.
  void penalize(Clock::time_point until);

 private:
  void refill(Clock::time_point now);
  double balance_at(Clock::time_point now) const;

  double rate_;
  double burst_;
  double balance_;
  Clock::time_point last_refill_;      // balance_ is the balance at this instant
  Clock::time_point penalized_until_;  // no take before this
};

}  // namespace tocsin::dispatch
