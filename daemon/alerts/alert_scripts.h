#pragma once
// The Lua scripts behind the alert store: each change of an alert (its creation, each
// state transition) and its audit entry on the alert's trail happen in one atomic step, so
// the trail (relayed to the audit stream, alerts/alert_relay.h) never misses a transition
// and two officers acting at once cannot both win.

namespace tocsin::redis {
class Script;
}

namespace tocsin::alerts {

// The scripts themselves, with their KEYS, ARGV and replies: alerts/alert_create.lua,
// alert_reserve_child.lua then alert_create_child.lua (a wave or a follow-up, once per
// slot of its parent: a wave run again after a crash finds the child reserved, or stored,
// the first time), alert_transition.lua.
const redis::Script& create_alert_script();
const redis::Script& reserve_child_script();
const redis::Script& create_child_script();
const redis::Script& transition_script();

}  // namespace tocsin::alerts
