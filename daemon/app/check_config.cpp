#include "app/check_config.h"

#include "app/gateways.h"
#include "config/read_file.h"

namespace tocsin::app {
namespace {

// validate() says an absent redis.url is required; here it is a requirement, listed below
// with the variable that supplies it (daemon/run-local.sh passes TOCSIN_REDIS_URL).
bool reported_as_requirement(const config::ConfigError& problem, const config::Config& config) {
  return problem.field() == "redis.url" && config.redis().url().empty();
}

// A secret not installed yet must not stop the check: its gateway is built with a stand-in.
std::string secret_or_stand_in(const config::Secret& secret, const std::string& field) {
  try {
    return config::resolve_secret(secret, field);
  } catch (const config::ConfigError&) {
    return "stand-in-for-a-secret-not-readable-here";
  }
}

}  // namespace

int check_config(const std::string& path, const config::Environment& env, std::ostream& out,
                 std::ostream& err) {
  std::string text;
  std::string error;
  if (!config::read_small_file(path, &text, &error)) {
    err << "tocsind: " << path << ": cannot read: " << error << "\n";
    return 2;
  }
  config::Config parsed;
  try {
    parsed = config::parse_text(text, path);
  } catch (const config::ConfigError& e) {
    err << "tocsind: " << e.what() << "\n";
    return 2;
  }
  config::apply_environment_overrides(parsed, env);
  config::apply_defaults(parsed);
  bool valid = true;
  for (const config::ConfigError& problem : config::validate(parsed)) {
    if (reported_as_requirement(problem, parsed)) continue;
    err << "tocsind: " << problem.what() << "\n";
    valid = false;
  }
  // Each adapter checks its own fields, so building the gateways is part of the check.
  std::vector<std::string> gateway_problems;
  build_gateways(parsed, &gateway_problems, secret_or_stand_in);
  for (const std::string& problem : gateway_problems) {
    err << "tocsind: " << path << ": " << problem << "\n";
    valid = false;
  }
  if (!valid) return 2;
  out << "tocsind: " << path << " is valid\n";
  for (const config::Requirement& needed : config::requirements(parsed, env)) {
    out << "tocsind: needs " << needed.field << " from " << needed.source << ": "
        << (needed.missing.empty() ? "readable here" : needed.missing) << "\n";
  }
  return 0;
}

}  // namespace tocsin::app
