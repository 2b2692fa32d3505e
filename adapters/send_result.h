#pragma once
// What a gateway adapter says about one send attempt. Adapters are free of I/O: they turn a
// provider's response (HTTP status, error code, SMTP reply) into one of these classes, and
// everything that decides what happens next (dispatch/retry_policy.h) reads only this
// struct, so the retry rules never depend on which gateway was used. The adapters' own
// answer, so it lives with them, below dispatch/ (daemon/README.md, "Layers"); its
// namespace is still the one its readers spell.

#include <chrono>
#include <optional>
#include <string>

namespace tocsin::dispatch {

enum class Outcome {
  accepted,   // the gateway took the message; message_id identifies it in status callbacks
  temporary,  // 5xx, timeout, connection reset: the same request may succeed later
  throttled,  // 429 and friends: not processed, we were too fast for the gateway
  permanent,  // invalid number, not a mobile, rejected content: retrying cannot help
  opted_out,  // the carrier says the recipient opted out (Twilio 21610)
  // The whole request reached the provider but no answer came back in time (the timeout
  // counts from when the request was written): the provider may have sent it.
  // Providers of the Twilio kind take no idempotency key, so sending again risks a second
  // SMS; the message is counted as sent, unconfirmed, and never sent again.
  unconfirmed,
};

struct SendResult {
  Outcome outcome = Outcome::temporary;
  std::string message_id;                                // set when accepted
  std::optional<std::chrono::milliseconds> retry_after;  // set when throttled, if the gateway said
  std::string reason;  // for people: why it was not accepted (never contains a phone number)
};

}  // namespace tocsin::dispatch
