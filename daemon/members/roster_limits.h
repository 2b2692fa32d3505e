#pragma once
// How large a roster may be: the import route's body limit, and the bound `tocsin members
// import` reads a file with, so both name the same figure.

#include <cstdint>

namespace tocsin::members {

// A roster of 600,000 members is about 70 MB of CSV.
inline constexpr uint64_t kMaxRosterBytes = 200ull << 20;

}  // namespace tocsin::members
