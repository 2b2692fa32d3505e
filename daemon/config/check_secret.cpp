#include "config/checks.h"
#include "config/quote.h"

namespace tocsin::config::checks {
namespace {

// POSIX portable names: what a shell and systemd's Environment= can set.
bool is_env_name(const std::string& name) {
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return false;
  for (char c : name) {
    bool ok =
        (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

// A credential is a file directly inside $CREDENTIALS_DIRECTORY: no way out of it.
bool is_credential_name(const std::string& name) {
  return !name.empty() && name != "." && name != ".." && name.find('/') == std::string::npos &&
         name.find('\0') == std::string::npos;
}

}  // namespace

void secret(const Secret& secret, const std::string& field, Problems* problems) {
  switch (secret.source_case()) {
    case Secret::kEnv:
      if (!is_env_name(secret.env())) {
        problems->emplace_back(field + ".env", in_quotes(secret.env()) +
                                                   " is not a valid environment variable name "
                                                   "(letters, digits and _, not starting with a "
                                                   "digit)");
      }
      return;
    case Secret::kFile:
      if (secret.file().empty()) problems->emplace_back(field + ".file", "required (a path)");
      return;
    case Secret::kCredential:
      if (!is_credential_name(secret.credential())) {
        problems->emplace_back(
            field + ".credential",
            "must be a plain credential name without '/', got " + in_quotes(secret.credential()));
      }
      return;
    case Secret::kInline:
      if (secret.inline_().empty()) problems->emplace_back(field + ".inline", "empty secret");
      return;
    case Secret::SOURCE_NOT_SET:
      break;
  }
  problems->emplace_back(field, "no source set; expected one of env, file, credential, inline");
}

}  // namespace tocsin::config::checks
