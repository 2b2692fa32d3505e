#include <cstdlib>

#include "config/config.h"

namespace tocsin::config {

Environment process_environment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

void apply_environment_overrides(Config& config, const Environment& env) {
  // An empty variable is treated as unset: `TOCSIN_LISTEN= tocsind ...` is more likely a
  // script with an unset shell variable than a wish to listen nowhere.
  if (auto url = env("TOCSIN_REDIS_URL"); url && !url->empty()) {
    config.mutable_redis()->set_url(*url);
  }
  if (auto listen = env("TOCSIN_LISTEN"); listen && !listen->empty()) {
    config.mutable_http()->set_listen(*listen);
  }
}

}  // namespace tocsin::config
