#pragma once
// A strict RFC 3339 reader for the times in alert files, where a typo must be an error and
// never a silently shifted event: YYYY-MM-DDTHH:MM[:SS][.fraction](Z|±HH:MM). No I/O.

#include <chrono>
#include <optional>
#include <string_view>

namespace tocsin::alerts {

// Seconds may be omitted; a fraction (1 to 9 digits) needs them. The offset is required,
// since a time without one means nothing to a daemon whose host may run in UTC. 'T' and 'Z'
// are upper case; the date must exist (no 31 June); leap seconds (:60) are refused.
std::optional<std::chrono::system_clock::time_point> parse_rfc3339(std::string_view text);

}  // namespace tocsin::alerts
