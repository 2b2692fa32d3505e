#pragma once
// The Server-Sent Events of GET /v1/alerts/{id}/events (contract section 3), as text ready
// to write. Pure.
//
//   event: snapshot / id: <last stream id or 0-0> / data: <the turnout JSON>
//   event: change   / id: <stream id>             / data: {"at_ms": ..., "fields": {...}}
//   event: state                                  / data: {"state": "sent"}
//   event: milestone / id: <stream id>             / data: {"kind": "quorum", ...}
//   : hb                                          (a comment: the heartbeat)

#include <optional>
#include <string>
#include <string_view>

#include "events/turnout_entry.h"

namespace tocsin::turnout {
class Scope;
}

namespace tocsin::events {

inline constexpr std::string_view kHeartbeat = ": hb\n\n";

std::string snapshot_event(std::string_view id, std::string_view turnout_json);

// The entry's fields in `scope`; nullopt when none is (nothing is sent then).
std::optional<std::string> change_event(const TurnoutEntry& entry, const turnout::Scope& scope);
// The same appended to `out`, which grows once (a viewer's chunk: events of a few KB, tens
// of KB for all regions, go to hundreds of viewers ten times a second); false when no
// field is in scope.
bool append_change_event(const TurnoutEntry& entry, const turnout::Scope& scope, std::string* out);

std::string state_event(std::string_view state);

// A milestone entry's event (events/milestones.h), when the viewer's scope holds its region
// (a local's or sector's only for all-region viewers); false otherwise.
bool append_milestone_event(const TurnoutEntry& entry, const turnout::Scope& scope,
                            std::string* out);

}  // namespace tocsin::events
