#pragma once
// "Did you mean …?" for a misspelt name: the closest of the valid names by edit distance.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tocsin {

// Edits (insert, delete, replace, swap of two neighbours) between a and b, ignoring case:
// "BANER_DROP" is 1 from "BANNER_DROP", "lsiten" 1 from "listen".
size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `name`, when it is close enough to be the one meant (at most one
// edit in four characters, at least one) and no other candidate is as close; nullopt
// otherwise, so a guess is only offered when it is probably right.
std::optional<std::string> closest_name(std::string_view name,
                                        const std::vector<std::string>& candidates);

}  // namespace tocsin
