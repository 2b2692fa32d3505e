#pragma once
// The Lua scripts behind the alert store: each change of an alert (its creation, each
// state transition) and its audit entry happen in one atomic step, so the audit stream
// never misses a transition and two officers acting at once cannot both win.

namespace tocsin::redis {
class Script;
}

namespace tocsin::alerts {

// Lua put at the top of every script that writes an alert's audit entry: audited(audit,
// alert_key, field, value...) adds the entry to the global `audit` stream and the same
// fields to the alert's own trail, alert:{id}:audit (alert_keys.h), which
// GET /v1/alerts/{id}/audit reads without scanning the global stream.
inline constexpr const char* kAuditedLua = R"lua(
local function audited(audit, alert_key, ...)
  redis.call('XADD', audit, '*', ...)
  redis.call('XADD', alert_key .. ':audit', '*', ...)
end
)lua";

// KEYS: alert:{id}, alerts, alert:code:{code}, audit.
// ARGV: id, created_at_ms, actor, detail, then field, value pairs of alert:{id}.
// Returns 1, or 0 (nothing written) when the id or the code is already taken.
const redis::Script& create_alert_script();

// A child alert (a wave or a follow-up: alerts/child_alert.h), once per slot of its
// parent ("wave:2"): a wave run again after a crash finds the child stored the first time.
// KEYS: alert:{child}, alerts, alert:{parent}:children, audit, alert:{parent}.
// ARGV: child id, created_at_ms, actor, detail, slot, then field, value pairs.
// Returns {outcome, child id}: "created", "exists" (the slot's child), "no_parent", or
// "taken" (the id is in use: try another).
const redis::Script& create_child_script();

// KEYS: alert:{id}, audit, alert:{id}:audit (written through kAuditedLua).
// ARGV: id, allowed states as ",draft,approved,", new state, actor, action, detail,
// refused creator token ("" for none: the token that created the alert may not make this
// transition), then field, value pairs written with the new state.
// Returns {outcome, previous state}, outcome "ok", "missing", "wrong_state" or "creator".
const redis::Script& transition_script();

}  // namespace tocsin::alerts
