#pragma once
// The preview's prices and rates, read from the daemon's config: prices from `alerts`,
// rates summed over the configured gateways of each channel (they send in parallel). No I/O.

#include <string>

#include "alerts/preview.h"
#include "proto/config.pb.h"

namespace tocsin::alerts {

// The channel a gateway entry sends on ("sms" or "email"), whatever its type; "" for an
// entry without a kind.
std::string gateway_channel(const config::GatewayConfig& gateway);

// A channel without any gateway gets rate 0, which leaves it out of the time estimate.
PricingConfig pricing_from(const config::Config& config);

}  // namespace tocsin::alerts
