#pragma once
// Where the scheduler's work lives in Redis: the one place that spells these keys
// (scheduler.h says how they are used).
//
//   {schedule}          ZSET "kind|subject" by due time (ms)
//   {schedule}:running  ZSET "kind|subject" by lease deadline (ms): claimed, not yet done
//   {schedule}:owner    HASH "kind|subject" -> the daemon that holds the lease
//
// One hash tag, so the scheduler's own scripts stay in one slot (a Redis Cluster refuses a
// script whose keys span two). The send queue's scripts still add items beside an alert's
// keys, in another slot.

#include <string_view>

namespace tocsin::schedule::keys {

inline constexpr std::string_view kDue = "{schedule}";
inline constexpr std::string_view kRunning = "{schedule}:running";
inline constexpr std::string_view kOwner = "{schedule}:owner";

// The same three as a tocsind before the hash tag named them. Each start moves what they
// hold under the names above (scheduler.cpp, adopt_untagged_keys), so a send scheduled
// before an upgrade still runs.
namespace untagged {
inline constexpr std::string_view kDue = "schedule";
inline constexpr std::string_view kRunning = "schedule:running";
inline constexpr std::string_view kOwner = "schedule:owner";
}  // namespace untagged

}  // namespace tocsin::schedule::keys
