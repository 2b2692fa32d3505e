#include "turnout/turnout_scope.h"

#include "members/text_fold.h"
#include "members/turnout_field.h"

namespace tocsin::turnout {

Scope Scope::of_regions(std::set<std::string> region_parts) {
  Scope scope;
  scope.all_ = false;
  scope.regions_ = std::move(region_parts);
  return scope;
}

bool Scope::contains_region(std::string_view region_part) const {
  return all_ || regions_.count(std::string(region_part)) > 0;
}

bool Scope::contains(std::string_view field) const {
  const auto name = parse_field(field);
  return name && contains_region(name->region);
}

std::string region_part(std::string_view region) {
  return key_part(members::fold(region));
}

std::optional<Scope> make_scope(const auth::Principal& principal,
                                std::optional<std::string_view> region) {
  const bool sees_all = principal.role != auth::Role::coordinator;
  std::set<std::string> own;
  if (!sees_all) {
    for (const std::string& allowed : principal.regions) {
      // A coordinator's region is never "no region": those members are nobody's.
      if (!members::fold(allowed).empty()) own.insert(region_part(allowed));
    }
  }
  if (!region) return sees_all ? Scope::everything() : Scope::of_regions(std::move(own));
  // "-" asks for the members without a region; anything else is a region's name.
  const std::string wanted = *region == kNoRegion ? std::string(kNoRegion) : region_part(*region);
  if (!sees_all && own.count(wanted) == 0) return std::nullopt;
  return Scope::of_regions({wanted});
}

bool in_scope(std::string_view field, const auth::Principal& principal,
              std::optional<std::string_view> region) {
  const auto scope = make_scope(principal, region);
  return scope && scope->contains(field);
}

}  // namespace tocsin::turnout
