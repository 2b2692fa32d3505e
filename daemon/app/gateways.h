#pragma once
// Every gateway type the daemon knows, registered explicitly (Envoy's typed extensions),
// and the gateways of a config built from them. Adding an adapter means one line in
// gateways.cpp.

#include <memory>
#include <string>
#include <vector>

#include "adapters/gateway.h"
#include "adapters/registry.h"
#include "proto/config.pb.h"

namespace tocsin::app {

// One gateway per config entry; empty with *errors filled ("gateways[i]...: reason") when
// any entry cannot be built. `secret`: see GatewayRegistry::build_all.
std::vector<std::unique_ptr<adapters::Gateway>> build_gateways(
    const config::Config& config, std::vector<std::string>* errors,
    adapters::GatewayRegistry::SecretReader secret = {});

}  // namespace tocsin::app
