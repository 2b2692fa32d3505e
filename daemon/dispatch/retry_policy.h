#pragma once
// What to do after a send attempt, as a pure function of the result class and the attempt
// count. No clock, no randomness of its own: the caller passes a random draw, so the policy
// is tested deterministically and the caller owns scheduling.

#include <chrono>
#include <string>

#include "adapters/send_result.h"

namespace tocsin::dispatch {

struct RetryPolicy {
  int max_attempts = 6;  // attempts for temporary failures; throttling gets 3 times as many
  std::chrono::milliseconds base_delay{500};
  std::chrono::milliseconds max_delay{60000};  // cap on the backoff before jitter
  double jitter = 0.2;                         // ±20% of the backoff
};

struct RetryDecision {
  enum class Action { done, retry, fail, record_opt_out };
  Action action = Action::fail;
  std::chrono::milliseconds delay{0};         // for retry: how long to wait before the next attempt
  bool slow_down_gateway = false;             // feed the gateway's adaptive rate (AdaptiveRate)
  bool count_against_gateway_health = false;  // feed failover: the gateway itself misbehaved
  std::string reason;
};

// The attempt limit for a throttled result: throttling says the gateway is healthy but busy,
// so it is given more patience than a failing gateway.
int throttled_attempt_limit(const RetryPolicy& policy);

// Exponential backoff base * 2^(attempt-1), capped at max_delay, before jitter.
std::chrono::milliseconds backoff(const RetryPolicy& policy, int attempt);

// attempt: 1-based, the attempt that produced `result`.
// random_unit: a uniform draw in [0, 1) (clamped to [0, 1] if outside).
RetryDecision decide(const RetryPolicy& policy, const SendResult& result, int attempt,
                     double random_unit);

}  // namespace tocsin::dispatch
