// The preview's prices and rates from the config: rates summed per channel over the
// gateways of every type.

#include "alerts/pricing.h"

#include <gtest/gtest.h>

namespace tocsin::alerts {
namespace {

config::GatewayConfig console(const std::string& channel, double rate) {
  config::GatewayConfig gateway;
  gateway.set_name("c-" + channel);
  gateway.set_rate_per_second(rate);
  gateway.mutable_console()->set_channel(channel);
  return gateway;
}

config::GatewayConfig file(const std::string& channel, double rate) {
  config::GatewayConfig gateway;
  gateway.set_name("f-" + channel);
  gateway.set_rate_per_second(rate);
  gateway.mutable_file()->set_channel(channel);
  gateway.mutable_file()->set_path("/tmp/x");
  return gateway;
}

TEST(AlertsPricing, GatewayChannelOfEveryType) {
  EXPECT_EQ(gateway_channel(console("sms", 1)), "sms");
  EXPECT_EQ(gateway_channel(file("email", 1)), "email");
  EXPECT_EQ(gateway_channel(config::GatewayConfig{}), "");
}

TEST(AlertsPricing, PricesFromAlertsAndRatesSummedPerChannel) {
  config::Config config;
  config.mutable_alerts()->set_sms_cents_per_segment(0.5);
  config.mutable_alerts()->set_email_cents(0.02);
  *config.add_gateways() = console("sms", 1);
  *config.add_gateways() = file("sms", 2.5);
  *config.add_gateways() = file("email", 40);
  const PricingConfig pricing = pricing_from(config);
  EXPECT_DOUBLE_EQ(pricing.sms_cents_per_segment, 0.5);
  EXPECT_DOUBLE_EQ(pricing.email_cents, 0.02);
  EXPECT_DOUBLE_EQ(pricing.sms_segments_per_second, 3.5);
  EXPECT_DOUBLE_EQ(pricing.emails_per_second, 40);
}

TEST(AlertsPricing, AChannelWithoutGatewaysHasNoRate) {
  config::Config config;
  *config.add_gateways() = console("sms", 10);
  const PricingConfig pricing = pricing_from(config);
  EXPECT_DOUBLE_EQ(pricing.sms_segments_per_second, 10);
  EXPECT_DOUBLE_EQ(pricing.emails_per_second, 0) << "left out of the time estimate";
}

}  // namespace
}  // namespace tocsin::alerts
