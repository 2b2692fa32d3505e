#pragma once
// The counting rules of turnout/reach_lib.lua in C++: where a member counts (their place), the
// better of two delivery states, and the reach counts recomputed from an alert's delivery
// states, which the tests compare with what the scripts keep. Pure.

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "turnout/turnout_model.h"

namespace tocsin::turnout {

// Where a member counts, folded as member:{id}:idx holds it; "" for a value they lack.
struct Place {
  std::string region;
  std::string sector;
  std::string local;
  std::string title;
};

// "r|all|", then "r|sector:s|", "r|local:l|", "r|title:t|" for the values the member has
// (each part through key_part()): a measure appended makes a raw field name.
std::vector<std::string> field_prefixes(const Place& place);

// The prefixes joined by \x1f: what alert:{id}:dims stores for a member (turnout/reach_lib.lua).
std::string encode_place(const Place& place);
// The prefixes of a stored place.
std::vector<std::string> decode_place(std::string_view stored);

// The reach measure of the better of a member's two channel states (delivery values such
// as "sent", "failed:landline"): delivered > sent > failed > expired > opted_out > skipped;
// "" when neither counts (no state, retrying, cancelled).
std::string_view best_state(std::string_view a, std::string_view b);

// alert:{id}:reach recomputed: every member of `dims` targeted where dims places them, and
// counted in their best state from `delivery` ("member:channel" -> state), or as skipped
// when in `unreachable` (alert:{id}:unreachable: no address on the alert's channels).
// Zero fields left out.
RawFields recount_reach(const std::map<std::string, std::string>& delivery,
                        const std::map<std::string, std::string>& dims,
                        const std::set<std::string>& unreachable = {});

}  // namespace tocsin::turnout
