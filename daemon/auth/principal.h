#pragma once
// Who is making a request, once their bearer token or session cookie has been checked.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tocsin::auth {

enum class Role { admin, executive, coordinator };

std::string_view role_name(Role role);
std::optional<Role> parse_role(std::string_view name);

struct Principal {
  std::string name;  // the token's name, for the audit log
  // Identifies the token itself (the first 16 hex digits of its SHA-256), since names
  // need not be unique: the approval rule compares tokens, not names. Not a secret.
  std::string token_id;
  Role role = Role::coordinator;
  std::vector<std::string> regions;  // coordinators: the regions they may see
  // Set when the request came with a dashboard session cookie instead of a token: the
  // account's id and the session's key (auth_keys.h session()), for sign-out.
  std::string account_id;
  std::string session_key;
};

}  // namespace tocsin::auth
