#include "app/gateways.h"

#include <utility>

namespace tocsin::app {

std::vector<std::unique_ptr<adapters::Gateway>> build_gateways(
    const config::Config& config, std::vector<std::string>* errors,
    adapters::GatewayRegistry::SecretReader secret) {
  adapters::GatewayRegistry registry;
  adapters::register_builtin_gateways(registry);
  return registry.build_all(config, errors, std::move(secret));
}

}  // namespace tocsin::app
