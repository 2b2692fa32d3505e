#pragma once
// Loading and checking the daemon's typed config (proto/config.proto). Startup code: errors
// are exceptions here, each naming the field and the reason in one line.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "proto/config.pb.h"

namespace tocsin::config {

// One problem with the config. what() is the line to print:
//   "<file>:<line>:<column>: <reason>"        for a syntax error or unknown field
//   "<field.path>: <reason>"                   for a bad value
class ConfigError : public std::runtime_error {
 public:
  ConfigError(std::string field, std::string reason);
  const std::string& field() const { return field_; }
  const std::string& reason() const { return reason_; }

 private:
  std::string field_;
  std::string reason_;
};

// Where environment variables come from; tests pass their own.
using Environment = std::function<std::optional<std::string>(const std::string& name)>;
Environment process_environment();

// Parses protobuf text format. Throws ConfigError naming file, line and column.
Config parse_text(std::string_view text, const std::string& source_name);

// TOCSIN_REDIS_URL -> redis.url, TOCSIN_LISTEN -> http.listen.
void apply_environment_overrides(Config& config, const Environment& env);

// Fills every field left at zero/empty with its documented default.
void apply_defaults(Config& config);

// Every problem found, in field order; empty when the config is good. Does not read
// secrets (see resolve_secret), so it can run on a machine without them.
std::vector<ConfigError> validate(const Config& config);

// Reads the file, applies overrides and defaults, validates, and checks that every secret
// can be read. Throws the first ConfigError (with all problems of validate() joined is
// too long for one line; the caller may call validate() itself to list them all).
Config load(const std::filesystem::path& path, const Environment& env = process_environment());

// The secret's value. Throws ConfigError(field, reason) when the variable is unset, the
// file is unreadable, or the secret is empty.
std::string resolve_secret(const Secret& secret, const std::string& field,
                           const Environment& env = process_environment());

// What a config leaves to the machine it runs on: each secret it names (env, file or
// credential), and the Redis address when the file names none. --check-config lists them
// instead of failing, so that a config can be checked before its secrets are installed;
// load() at start fails on any that cannot be read.
struct Requirement {
  std::string field;    // "redis.password", "gateways[1].kannel.password", "redis.url"
  std::string source;   // "systemd credential \"redis-password\"", "environment variable X"
  std::string missing;  // why it cannot be read here and now; "" when it can
};
std::vector<Requirement> requirements(const Config& config,
                                      const Environment& env = process_environment());

struct ListenAddress {
  std::string host;  // without brackets for IPv6
  uint16_t port = 0;
};
// "host:port" or "[v6]:port". Returns nullopt and sets *error otherwise.
std::optional<ListenAddress> parse_listen(std::string_view text, std::string* error);

}  // namespace tocsin::config
