#pragma once
// What an HTTP gateway makes of a request that got no answer: a timeout or a connection
// failure is temporary (the provider may well be back in a moment), the same for every
// provider. Shared by the twilio and kannel adapters' classify().

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
