#pragma once
// The audit log's key: one append-only stream of who did what (actor, action, subject,
// detail), written in the same step as the change it records. An alert's own trail
// (alert:{id}:audit) is named with the alert's keys (alerts/alert_keys.h).
//
//   audit   STREAM, append-only

#include <string_view>

namespace tocsin::audit::keys {

inline constexpr std::string_view kAudit = "audit";

}  // namespace tocsin::audit::keys
