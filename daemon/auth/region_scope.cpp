#include "auth/region_scope.h"

#include "members/text_fold.h"

namespace tocsin::auth {

bool sees_region(const Principal& principal, std::string_view member_region) {
  if (principal.role != Role::coordinator) return true;
  if (member_region.empty()) return false;
  const std::string region = members::fold(member_region);
  for (const std::string& allowed : principal.regions) {
    if (members::fold(allowed) == region) return true;
  }
  return false;
}

}  // namespace tocsin::auth
