#include "auth/role_proto.h"

namespace tocsin::auth {

tocsin::Role role_to_proto(Role role) {
  switch (role) {
    case Role::admin:
      return tocsin::ROLE_ADMIN;
    case Role::executive:
      return tocsin::ROLE_EXECUTIVE;
    case Role::coordinator:
      return tocsin::ROLE_COORDINATOR;
  }
  return tocsin::ROLE_UNSPECIFIED;
}

std::optional<Role> role_from_proto(tocsin::Role role) {
  switch (role) {
    case tocsin::ROLE_ADMIN:
      return Role::admin;
    case tocsin::ROLE_EXECUTIVE:
      return Role::executive;
    case tocsin::ROLE_COORDINATOR:
      return Role::coordinator;
    default:
      return std::nullopt;
  }
}

}  // namespace tocsin::auth
