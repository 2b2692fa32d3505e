#include "app/redis_options.h"

#include "config/config.h"

namespace tocsin::app {

redis::Options redis_options(const config::Config& config) {
  const auto& in = config.redis();
  std::string error;
  auto endpoint = redis::parse_url(in.url(), &error);
  if (!endpoint) throw config::ConfigError("redis.url", error);  // validated before: a bug
  redis::Options options;
  options.endpoint = *endpoint;
  if (in.has_password()) options.password = config::resolve_secret(in.password(), "redis.password");
  using std::chrono::milliseconds;
  options.connect_timeout = milliseconds(in.connect_timeout_ms());
  options.health_check_interval = milliseconds(in.health_check_interval_ms());
  options.command_timeout = milliseconds(in.command_timeout_ms());
  options.reconnect_min_delay = milliseconds(in.reconnect_min_delay_ms());
  options.reconnect_max_delay = milliseconds(in.reconnect_max_delay_ms());
  return options;
}

}  // namespace tocsin::app
