#include <string>

#include "config/config.h"
#include "config/quote.h"
#include "config/read_file.h"

namespace tocsin::config {
namespace {

// Editors and `echo secret > file` add a final newline that is not part of the secret.
void strip_one_newline(std::string* value) {
  if (!value->empty() && value->back() == '\n') {
    value->pop_back();
    if (!value->empty() && value->back() == '\r') value->pop_back();
  }
}

std::string from_env(const std::string& name, const std::string& field, const Environment& env) {
  std::optional<std::string> value = env(name);
  if (!value) throw ConfigError(field, "environment variable " + name + " is not set");
  if (value->empty()) throw ConfigError(field, "environment variable " + name + " is empty");
  return *value;
}

std::string from_file(const std::filesystem::path& path, const std::string& what,
                      const std::string& field) {
  std::string value;
  std::string error;
  if (!read_small_file(path, &value, &error)) {
    throw ConfigError(field, "cannot read " + what + " " + path.string() + ": " + error);
  }
  strip_one_newline(&value);
  if (value.empty()) throw ConfigError(field, what + " " + path.string() + " is empty");
  return value;
}

std::string from_credential(const std::string& name, const std::string& field,
                            const Environment& env) {
  std::optional<std::string> directory = env("CREDENTIALS_DIRECTORY");
  if (!directory || directory->empty()) {
    throw ConfigError(field, "credential " + in_quotes(name) +
                                 " needs $CREDENTIALS_DIRECTORY, which is not set (not running "
                                 "under systemd LoadCredential=)");
  }
  // validate() has already refused names with '/', so this stays inside the directory.
  return from_file(std::filesystem::path(*directory) / name, "credential file", field);
}

}  // namespace

std::string resolve_secret(const Secret& secret, const std::string& field, const Environment& env) {
  switch (secret.source_case()) {
    case Secret::kEnv:
      return from_env(secret.env(), field, env);
    case Secret::kFile:
      return from_file(secret.file(), "secret file", field);
    case Secret::kCredential:
      return from_credential(secret.credential(), field, env);
    case Secret::kInline:
      if (secret.inline_().empty()) throw ConfigError(field, "inline secret is empty");
      return secret.inline_();
    case Secret::SOURCE_NOT_SET:
      break;
  }
  throw ConfigError(field, "no source set; expected one of env, file, credential, inline");
}

}  // namespace tocsin::config
