#include "alerts/pricing.h"

namespace tocsin::alerts {

std::string gateway_channel(const config::GatewayConfig& gateway) {
  switch (gateway.kind_case()) {
    case config::GatewayConfig::kConsole:
      return gateway.console().channel();
    case config::GatewayConfig::kFile:
      return gateway.file().channel();
    case config::GatewayConfig::kTwilio:
    case config::GatewayConfig::kKannel:
      return "sms";
    case config::GatewayConfig::kSmtp:
      return "email";
    case config::GatewayConfig::KIND_NOT_SET:
      break;
  }
  return {};
}

PricingConfig pricing_from(const config::Config& config) {
  PricingConfig pricing;
  pricing.sms_cents_per_segment = config.alerts().sms_cents_per_segment();
  pricing.email_cents = config.alerts().email_cents();
  pricing.sms_segments_per_second = 0;
  pricing.emails_per_second = 0;
  for (const config::GatewayConfig& gateway : config.gateways()) {
    const std::string channel = gateway_channel(gateway);
    if (channel == "sms") pricing.sms_segments_per_second += gateway.rate_per_second();
    if (channel == "email") pricing.emails_per_second += gateway.rate_per_second();
  }
  return pricing;
}

}  // namespace tocsin::alerts
