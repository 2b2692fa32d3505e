#pragma once
// Which members' details a principal may see: admins and executives all; a coordinator only
// those of their regions (daemon/README.md, "Names stay in their region").
// Regions compare folded ("Montérégie" = "MONTEREGIE"). Pure.

#include <string_view>

#include "auth/principal.h"

namespace tocsin::auth {

// `member_region` as member:{id}:idx stores it (folded); "" (no region) is nobody's.
bool sees_region(const Principal& principal, std::string_view member_region);

}  // namespace tocsin::auth
