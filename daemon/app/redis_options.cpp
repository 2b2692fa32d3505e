#include "app/redis_options.h"

#include "config/config.h"

namespace tocsin::app {

namespace {

// Servers to ask (sentinels, cluster nodes), validated before: an address that does not
// parse is a bug.
std::vector<redis::Endpoint> endpoints(const google::protobuf::RepeatedPtrField<std::string>& in,
                                       const std::string& field) {
  std::vector<redis::Endpoint> out;
  for (const std::string& text : in) {
    std::string error;
    const auto address = config::parse_listen(text, &error);
    if (!address) throw config::ConfigError(field, error);
    redis::Endpoint endpoint;
    endpoint.host = address->host;
    endpoint.port = address->port;
    out.push_back(std::move(endpoint));
  }
  return out;
}

redis::SentinelOptions sentinel_options(const config::SentinelConfig& in) {
  redis::SentinelOptions sentinel;
  sentinel.master_name = in.master_name();
  sentinel.sentinels = endpoints(in.addresses(), "redis.sentinel.addresses");
  if (in.has_password()) {
    sentinel.password = config::resolve_secret(in.password(), "redis.sentinel.password");
  }
  return sentinel;
}

}  // namespace

redis::Options redis_options(const config::Config& config) {
  const auto& in = config.redis();
  redis::Options options;
  if (in.has_cluster()) {
    options.cluster =
        redis::ClusterOptions{endpoints(in.cluster().addresses(), "redis.cluster.addresses")};
  } else if (in.has_sentinel()) {
    options.sentinel = sentinel_options(in.sentinel());
  } else {
    std::string error;
    auto endpoint = redis::parse_url(in.url(), &error);
    if (!endpoint) throw config::ConfigError("redis.url", error);  // validated before: a bug
    options.endpoint = *endpoint;
  }
  if (in.has_password()) options.password = config::resolve_secret(in.password(), "redis.password");
  using std::chrono::milliseconds;
  options.connect_timeout = milliseconds(in.connect_timeout_ms());
  options.health_check_interval = milliseconds(in.health_check_interval_ms());
  options.command_timeout = milliseconds(in.command_timeout_ms());
  options.reconnect_min_delay = milliseconds(in.reconnect_min_delay_ms());
  options.reconnect_max_delay = milliseconds(in.reconnect_max_delay_ms());
  options.wait_replicas = in.wait_replicas();
  options.wait_timeout = milliseconds(in.wait_timeout_ms());
  return options;
}

std::string describe_redis(const redis::Options& options) {
  if (options.cluster) {
    std::string where = "cluster of nodes";
    for (const auto& seed : options.cluster->seeds) where += " " + seed.describe();
    return where;
  }
  if (!options.sentinel) return options.endpoint.describe();
  std::string where = "master " + options.sentinel->master_name + " of sentinels";
  for (const auto& sentinel : options.sentinel->sentinels) where += " " + sentinel.describe();
  return where;
}

}  // namespace tocsin::app
