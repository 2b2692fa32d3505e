#pragma once

#include "proto/config.pb.h"
#include "redis/client.h"

namespace tocsin::app {

// The Redis client's options from a validated config (secrets resolved here).
redis::Options redis_options(const config::Config& config);
// Where the daemon's Redis is, for a log line or a message (no password): the URL's
// endpoint, or the Sentinel master's name and sentinels.
std::string describe_redis(const redis::Options& options);

}  // namespace tocsin::app
