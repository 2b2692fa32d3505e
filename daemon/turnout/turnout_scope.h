#pragma once
// Which raw turnout fields a viewer may see (the contract of issue 7, section 1): an admin
// or an executive every field, a coordinator exactly the fields whose region part is one
// of their regions; `?region=R` narrows either to one region. The turnout route, the event
// stream's snapshot and its change events all filter with this, on the server. Pure.

#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "auth/principal.h"

namespace tocsin::turnout {

class Scope {
 public:
  // Every region.
  static Scope everything() { return Scope(); }
  // Only these region parts (folded, through key_part()).
  static Scope of_regions(std::set<std::string> region_parts);

  bool all_regions() const { return all_; }
  // The region parts in scope; empty when all_regions().
  const std::set<std::string>& regions() const { return regions_; }

  bool contains_region(std::string_view region_part) const;
  // Whether a raw field "<region>|<dimension>|<measure>" is in scope; a malformed one never is.
  bool contains(std::string_view field) const;

 private:
  bool all_ = true;
  std::set<std::string> regions_;
};

// The region part a region names, written as a roster or a user writes it ("Montérégie",
// "monteregie", "" for none -> "-").
std::string region_part(std::string_view region);

// The scope of `principal`, narrowed to `region` (display or folded) when given. nullopt
// when the principal may not see that region (the route answers 403, field "region").
std::optional<Scope> make_scope(const auth::Principal& principal,
                                std::optional<std::string_view> region = std::nullopt);

// One-shot form of make_scope(...)->contains(field), false when the region is refused.
bool in_scope(std::string_view field, const auth::Principal& principal,
              std::optional<std::string_view> region = std::nullopt);

}  // namespace tocsin::turnout
