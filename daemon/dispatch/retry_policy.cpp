#include "dispatch/retry_policy.h"

#include <algorithm>
#include <cmath>

namespace tocsin::dispatch {
namespace {

using std::chrono::milliseconds;

// Spreads a delay over [d*(1-jitter), d*(1+jitter)] so that messages which failed together
// (a gateway outage fails thousands at once) do not all come back at the same instant.
milliseconds jittered(const RetryPolicy& policy, milliseconds delay, double random_unit) {
  const double unit = std::clamp(random_unit, 0.0, 1.0);
  const double spread = std::clamp(policy.jitter, 0.0, 1.0);
  const double factor = 1.0 - spread + 2.0 * spread * unit;
  return milliseconds{std::llround(static_cast<double>(delay.count()) * factor)};
}

std::string gave_up(int attempts, const std::string& last_reason) {
  return "gave up after " + std::to_string(attempts) + " attempts: " + last_reason;
}

}  // namespace

int throttled_attempt_limit(const RetryPolicy& policy) {
  return 3 * policy.max_attempts;
}

milliseconds backoff(const RetryPolicy& policy, int attempt) {
  // Computed in double and capped before converting back, so a large attempt number cannot
  // overflow the shift; the exponent is bounded because 2^62 ms is already past any cap.
  const int exponent = std::clamp(attempt - 1, 0, 62);
  const double raw = static_cast<double>(policy.base_delay.count()) * std::ldexp(1.0, exponent);
  const double capped = std::min(raw, static_cast<double>(policy.max_delay.count()));
  return milliseconds{std::llround(std::max(capped, 0.0))};
}

RetryDecision decide(const RetryPolicy& policy, const SendResult& result, int attempt,
                     double random_unit) {
  RetryDecision decision;
  decision.reason = result.reason;
  switch (result.outcome) {
    case Outcome::accepted:
      // Nothing left to do; delivery is followed through status callbacks, not retries.
      decision.action = RetryDecision::Action::done;
      return decision;

    case Outcome::permanent:
      // Invalid number, not a mobile, rejected content: the same request will be refused
      // again, and retrying would only cost money and gateway goodwill.
      decision.action = RetryDecision::Action::fail;
      return decision;

    case Outcome::opted_out:
      // The carrier says the person opted out. Sending again is unlawful and pointless; the
      // caller records the opt-out so no later alert tries this member by SMS either.
      decision.action = RetryDecision::Action::record_opt_out;
      if (decision.reason.empty()) decision.reason = "recipient opted out at the carrier";
      return decision;

    case Outcome::temporary:
      // 5xx or a timeout says something about the gateway, not the message: count it toward
      // the gateway's health (failover), and retry with exponential backoff so a struggling
      // gateway is not hammered. After max_attempts the caller fails the message over to
      // another gateway or reports it; `attempt` counts every attempt, throttled ones too,
      // so a message that was throttled first has less budget left for real failures.
      decision.count_against_gateway_health = true;
      if (attempt >= policy.max_attempts) {
        decision.action = RetryDecision::Action::fail;
        decision.reason = gave_up(attempt, result.reason);
        return decision;
      }
      decision.action = RetryDecision::Action::retry;
      decision.delay = jittered(policy, backoff(policy, attempt), random_unit);
      return decision;

    case Outcome::unconfirmed:
      // The provider may have the message: sending it again could give the member a
      // second SMS, and a provider that took it will deliver it. Done, as sent; but a
      // provider that stops answering is not healthy, so it counts toward failover.
      decision.action = RetryDecision::Action::done;
      decision.count_against_gateway_health = true;
      return decision;

    case Outcome::throttled: {
      // 429: the request was not processed and the gateway is fine, just busy. Slow the
      // gateway's send rate down (that is what actually fixes throttling) but do not count
      // it as ill health, or a busy gateway would be failed over needlessly. Throttling is
      // expected during a large blast, so it gets 3 times the attempt budget.
      decision.slow_down_gateway = true;
      if (decision.reason.empty()) decision.reason = "throttled by the gateway";
      if (attempt >= throttled_attempt_limit(policy)) {
        decision.action = RetryDecision::Action::fail;
        decision.reason = gave_up(attempt, decision.reason);
        return decision;
      }
      decision.action = RetryDecision::Action::retry;
      decision.delay = jittered(policy, backoff(policy, attempt), random_unit);
      // Retry-After is the gateway telling us exactly when it will accept again: honour it
      // as given (even above max_delay), and never let jitter pull the delay below it.
      if (result.retry_after && *result.retry_after > decision.delay) {
        decision.delay = *result.retry_after;
      }
      return decision;
    }
  }
  decision.action = RetryDecision::Action::fail;
  decision.reason = "unknown send outcome";
  return decision;
}

}  // namespace tocsin::dispatch
