#include "adapters/gateway.h"

#include "config/limits.h"

namespace tocsin::adapters {

Gateway::Gateway(std::string name, std::string channel, double rate_per_second)
    : name_(std::move(name)),
      channel_(std::move(channel)),
      rate_per_second_(rate_per_second > 0 ? rate_per_second
                                           : config::limits::kDefaultRatePerSecond) {}

Gateway::~Gateway() = default;

Parsed<DeliveryReceipt> Gateway::parse_status(const CallbackRequest&) const {
  return Parsed<DeliveryReceipt>::fail(
      CallbackError::not_supported,
      "gateway type " + std::string(type()) + " has no status callback");
}

Parsed<InboundMessage> Gateway::parse_inbound(const CallbackRequest&) const {
  return Parsed<InboundMessage>::fail(
      CallbackError::not_supported,
      "gateway type " + std::string(type()) + " has no inbound callback");
}

}  // namespace tocsin::adapters
