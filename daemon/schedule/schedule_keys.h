#pragma once
// Where the scheduler's work lives in Redis: the one place that spells these keys
// (scheduler.h says how they are used).
//
//   {schedule}          ZSET "kind|subject" by due time (ms)
//   {schedule}:running  ZSET "kind|subject" by lease deadline (ms): claimed, not yet done
//   {schedule}:owner    HASH "kind|subject" -> the daemon that holds the lease
//   {schedule}:relayed  HASH alert:{id}:schedule_out -> the id of its last entry applied
//
// One hash tag, so the scheduler's own scripts stay in one slot (a Redis Cluster refuses a
// script whose keys span two). An alert's steps (the send queue's) add and remove items
// through the alert's own outbox, applied here after them (schedule_outbox.h).

#include <string_view>

namespace tocsin::schedule::keys {

inline constexpr std::string_view kDue = "{schedule}";
inline constexpr std::string_view kRunning = "{schedule}:running";
inline constexpr std::string_view kOwner = "{schedule}:owner";
inline constexpr std::string_view kRelayed = "{schedule}:relayed";

// The same three as a tocsind before the hash tag named them. Each start moves what they
// hold under the names above (scheduler.cpp, adopt_untagged_keys), so a send scheduled
// before an upgrade still runs.
namespace untagged {
inline constexpr std::string_view kDue = "schedule";
inline constexpr std::string_view kRunning = "schedule:running";
inline constexpr std::string_view kOwner = "schedule:owner";
}  // namespace untagged

}  // namespace tocsin::schedule::keys
