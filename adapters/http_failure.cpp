#include "adapters/http_failure.h"

#include <string>

namespace tocsin::adapters {

std::optional<dispatch::SendResult> unanswered_request(std::string_view provider,
                                                       const GatewayResponse& response) {
  if (!response.timed_out && response.transport_error == 0) return std::nullopt;
  dispatch::SendResult result;
  const bool unconfirmed = response.timed_out && response.request_sent;
  result.outcome = unconfirmed ? dispatch::Outcome::unconfirmed : dispatch::Outcome::temporary;
  result.reason = std::string(provider);
  if (unconfirmed) {
    result.reason += " gave no answer in time after the request was sent";
  } else if (response.timed_out) {
    result.reason += " request timed out";
  } else {
    result.reason +=
        " connection failed: " + (response.transport_message.empty()
                                      ? "curl error " + std::to_string(response.transport_error)
                                      : response.transport_message);
  }
  return result;
}

}  // namespace tocsin::adapters
