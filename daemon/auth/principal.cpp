#include "auth/principal.h"

namespace tocsin::auth {

std::string_view role_name(Role role) {
  switch (role) {
    case Role::admin:
      return "admin";
    case Role::executive:
      return "executive";
    case Role::coordinator:
      return "coordinator";
  }
  return "unknown";
}

std::optional<Role> parse_role(std::string_view name) {
  for (Role role : {Role::admin, Role::executive, Role::coordinator}) {
    if (name == role_name(role)) return role;
  }
  return std::nullopt;
}

}  // namespace tocsin::auth
