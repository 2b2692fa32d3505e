#pragma once
// What the engine records once a gateway answered a message of an alert: its final state
// (sent, failed, opted out), or a retry at a due time; and whether the member's email goes
// instead of a lost SMS, and whether the answer was unconfirmed. A pure function of the
// send result, the retry policy's decision (retry_policy.h) and the message's facts, tested
// with plain values; engine_send.cpp carries it out.

#include <cstdint>
#include <optional>
#include <string_view>

#include "adapters/gateway.h"
#include "adapters/send_result.h"
#include "dispatch/record_item.h"
#include "dispatch/retry_policy.h"

namespace tocsin::dispatch {

struct SendFacts {
  const adapters::OutgoingMessage& message;
  std::string_view retry_entry;  // the q:retry entry it came from, if any
  int attempt = 1;               // 1-based, the attempt that got this answer
  // An SMS-only alert's SMS to a member who has an email: where it goes when the SMS fails
  // permanently, or may have been lost (unconfirmed) and an email gateway exists.
  bool email_fallback = false;
  bool email_gateway = false;
  std::string_view gateway;       // the gateway's name
  bool gateway_receipts = false;  // it sends delivery receipts
  int64_t now_ms = 0;
};

struct OutcomeActions {
  // Written first: the member's email as a retry due now (the retry path prepares it,
  // opt-out and shared-address checks included). Before `record`, so the alert cannot be
  // found finished between the two.
  std::optional<RecordRetry> email;
  // The message's final state (a RecordResult) or its next attempt (a RecordRetry), as a
  // send's outcome (is_message).
  RecordItem record;
  // The provider took the request but did not answer: counted as sent, never sent again.
  bool unconfirmed = false;
};

OutcomeActions decide_outcome(const SendResult& result, const RetryDecision& decision,
                              const SendFacts& facts);

}  // namespace tocsin::dispatch
