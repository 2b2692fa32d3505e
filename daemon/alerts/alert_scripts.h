#pragma once
// The Lua scripts behind the alert store: each change of an alert (its creation, each
// state transition) and its audit entry happen in one atomic step, so the audit stream
// never misses a transition and two officers acting at once cannot both win.

namespace tocsin::redis {
class Script;
}

namespace tocsin::alerts {

// KEYS: alert:{id}, alerts, alert:code:{code}, audit.
// ARGV: id, created_at_ms, actor, detail, then field, value pairs of alert:{id}.
// Returns 1, or 0 (nothing written) when the id or the code is already taken.
const redis::Script& create_alert_script();

// KEYS: alert:{id}, audit.
// ARGV: id, allowed states as ",draft,approved,", new state, actor, action, detail,
// refused creator token ("" for none: the token that created the alert may not make this
// transition), then field, value pairs written with the new state.
// Returns {outcome, previous state}, outcome "ok", "missing", "wrong_state" or "creator".
const redis::Script& transition_script();

}  // namespace tocsin::alerts
