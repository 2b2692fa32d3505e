#pragma once
// Where the scheduler's work lives in Redis: the one place that spells these keys
// (scheduler.h says how they are used).
//
//   schedule          ZSET "kind|subject" by due time (ms)
//   schedule:running  ZSET "kind|subject" by lease deadline (ms): claimed, not yet done
//   schedule:owner    HASH "kind|subject" -> the daemon that holds the lease
//
// No hash tag: the three are in different slots, and scripts of other components (the
// send queue) add items beside an alert's keys.

#include <string>
#include <string_view>

namespace tocsin::schedule::keys {

inline constexpr std::string_view kDue = "schedule";
inline constexpr std::string_view kRunning = "schedule:running";
inline constexpr std::string_view kOwner = "schedule:owner";

}  // namespace tocsin::schedule::keys
