#include "app/redis_options.h"

#include "config/config.h"

namespace tocsin::app {

namespace {

// redis.sentinel, validated before: an address that does not parse is a bug.
redis::SentinelOptions sentinel_options(const config::SentinelConfig& in) {
  redis::SentinelOptions sentinel;
  sentinel.master_name = in.master_name();
  for (int i = 0; i < in.addresses_size(); ++i) {
    std::string error;
    const auto address = config::parse_listen(in.addresses(i), &error);
    if (!address) throw config::ConfigError("redis.sentinel.addresses", error);
    redis::Endpoint endpoint;
    endpoint.host = address->host;
    endpoint.port = address->port;
    sentinel.sentinels.push_back(std::move(endpoint));
  }
  if (in.has_password()) {
    sentinel.password = config::resolve_secret(in.password(), "redis.sentinel.password");
  }
  return sentinel;
}

// redis.cluster, validated before.
redis::ClusterOptions cluster_options(const config::ClusterConfig& in) {
  redis::ClusterOptions cluster;
  for (int i = 0; i < in.addresses_size(); ++i) {
    std::string error;
    const auto address = config::parse_listen(in.addresses(i), &error);
    if (!address) throw config::ConfigError("redis.cluster.addresses", error);
    redis::Endpoint endpoint;
    endpoint.host = address->host;
    endpoint.port = address->port;
    cluster.seeds.push_back(std::move(endpoint));
  }
  return cluster;
}

}  // namespace

redis::Options redis_options(const config::Config& config) {
  const auto& in = config.redis();
  redis::Options options;
  if (in.has_cluster()) {
    options.cluster = cluster_options(in.cluster());
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
