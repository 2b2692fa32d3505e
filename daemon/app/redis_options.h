#pragma once

#include "proto/config.pb.h"
#include "redis/client.h"

namespace tocsin::app {

// The Redis client's options from a validated config (secrets resolved here).
redis::Options redis_options(const config::Config& config);

}  // namespace tocsin::app
