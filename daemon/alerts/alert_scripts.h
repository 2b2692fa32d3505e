#pragma once
// The Lua scripts behind the alert store: each change of an alert (its creation, each
// state transition) and its audit entry happen in one atomic step, so the audit stream
// never misses a transition and two officers acting at once cannot both win.

namespace tocsin::redis {
class Script;
}

namespace tocsin::alerts {

// Lua put at the top of every script that writes an alert's audit entry (the text of
// alerts/audited_lib.lua, for the scripts not yet in .lua files): audited(audit,
// alert_key, field, value...) adds the entry to the global `audit` stream and the same
// fields to the alert's own trail, alert:{id}:audit (alert_keys.h), which
// GET /v1/alerts/{id}/audit reads without scanning the global stream.
inline constexpr const char* kAuditedLua = R"lua(
local function audited(audit, alert_key, ...)
  redis.call('XADD', audit, '*', ...)
  redis.call('XADD', alert_key .. ':audit', '*', ...)
end
)lua";

// The scripts themselves, with their KEYS, ARGV and replies: alerts/alert_create.lua,
// alert_create_child.lua (a wave or a follow-up, once per slot of its parent: a wave run
// again after a crash finds the child stored the first time), alert_transition.lua.
const redis::Script& create_alert_script();
const redis::Script& create_child_script();
const redis::Script& transition_script();

}  // namespace tocsin::alerts
