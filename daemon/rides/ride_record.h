#pragma once
// A confirmed ride match as alert:{id}:rides stores it (match id -> value): fields joined by
// \x1f, the riders' ids by \x1e, like an RSVP. The confirm and undo scripts
// (ride_scripts.h) read the same layout in Lua. Pure.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tocsin::rides {

struct MatchRecord {
  std::string driver;
  std::vector<std::string> riders;
  int seats = 0;       // the riders' seats, taken from the driver's offer
  std::string region;  // region part (folded), the driver's and riders'
  int64_t at_ms = 0;
  std::string by;  // who confirmed it (the principal's name)
};

std::string encode(const MatchRecord& record);
std::optional<MatchRecord> decode(std::string_view text);

}  // namespace tocsin::rides
