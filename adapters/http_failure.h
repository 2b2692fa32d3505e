#pragma once
// What an HTTP gateway makes of a request that got no answer, the same for every provider
// (shared by the twilio and kannel adapters' classify()):
//   - the whole request was written and no answer came in time: unconfirmed. The provider
//     is alive but slow, and most likely has the message; neither Twilio nor Kannel takes
//     an idempotency key, so another attempt would be a second SMS;
//   - anything else (no connection, refused, or the connection dropped, even after the
//     request was written): temporary. A provider that drops a connection mid-request has
//     most likely failed before sending, and losing the member's message is worse than
//     the rare duplicate from one that failed just after (at most its requests in flight).

#include <optional>
#include <string_view>

#include "adapters/gateway.h"

namespace tocsin::adapters {

// The result when `response` carries no HTTP answer, its reason prefixed with `provider`
// ("twilio request timed out", "kannel connection failed: ..."); nullopt when it does.
// libcurl's messages name the host and port, never the request's query or body.
std::optional<dispatch::SendResult> unanswered_request(std::string_view provider,
                                                       const GatewayResponse& response);

}  // namespace tocsin::adapters
