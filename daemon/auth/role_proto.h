#pragma once
// Role as the API and the stored records spell it (proto/tocsin.proto's enum).

#include <optional>

#include "auth/principal.h"
#include "proto/tocsin.pb.h"

namespace tocsin::auth {

tocsin::Role role_to_proto(Role role);
// nullopt for ROLE_UNSPECIFIED or a value this build does not know.
std::optional<Role> role_from_proto(tocsin::Role role);

}  // namespace tocsin::auth
