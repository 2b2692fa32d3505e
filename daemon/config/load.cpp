#include "config/config.h"
#include "config/read_file.h"

namespace tocsin::config {
namespace {

// Every Secret in the config, read once now so that a missing one stops the daemon at
// startup rather than at the first reconnect hours later.
void resolve_all_secrets(const Config& config, const Environment& env) {
  if (config.redis().has_password()) {
    resolve_secret(config.redis().password(), "redis.password", env);
  }
}

}  // namespace

Config load(const std::filesystem::path& path, const Environment& env) {
  std::string text;
  std::string error;
  if (!read_small_file(path, &text, &error)) {
    throw ConfigError(path.string(), "cannot read: " + error);
  }
  Config config = parse_text(text, path.string());
  apply_environment_overrides(config, env);
  apply_defaults(config);
  std::vector<ConfigError> problems = validate(config);
  if (!problems.empty()) throw problems.front();
  resolve_all_secrets(config, env);
  return config;
}

}  // namespace tocsin::config
