#pragma once
// The engine's Lua scripts. Each is one atomic step on the Redis state of alerts
// (alerts/alert_keys.h), so a crash between two steps never leaves a half-written member:
//
//   prepare_script   before sending a job's members: skips those with a delivery state
//                    already (the idempotency check), records opt-outs, shared addresses
//                    and expiry, claims each address for one member, stores RSVP link tags.
//                    For a child alert (a wave, a follow-up), skips the members who have
//                    left its group since it was planned (skipped:answered for a reminder).
//   record_script    after sending: delivery states, gateway message ids, counters,
//                    retries into q:retry, job acknowledgements, and `sent` when an
//                    alert's last job and retry are done. Replaying a batch changes nothing
//                    (a reply lost to a dropped connection is simply sent again).
//   take_retries_script   leases the retries that are due.
//
// Both prepare and record also keep the alert's reach counts (turnout/reach_lua.h): each
// member counted once, at the best state of their channels.
//
// These scripts touch keys of several alerts and member indexes that are not all in KEYS:
// fine on one Redis with replicas (daemon/README.md, "Redis"), not on Redis Cluster.

#include "redis/script.h"

namespace tocsin::dispatch {

// KEYS: none. ARGV: alert id, mode ("send" | "expire"), channels ("sms" | "email" |
// "both"), then per member: member id, link tag, retry channel ("" for a job from the
// queue; "sms"/"email" for a retry, which may only send that channel and is allowed
// while the state is "retrying").
// Returns per member: { member id, Member bytes or "", sms code, email code, mobile,
// email } where a code is "send"; "none" (channel not chosen, or no address); "done" (the
// message has a state already: the idempotency check); or a final state to record
// (opted_out, expired, skipped:shared, skipped:removed, skipped:answered,
// skipped:left_group). A job's final states are written
// by the script itself; a retry's are left to the record step, which alone takes a
// member out of q:retry.
const redis::Script& prepare_script();

// KEYS: none. ARGV: now (ms), consumer group, item count, receipt TTL (s), then 9 fields
// per item:
//   "r" alert member channel state message_id retry_entry_to_remove address receipt_key
//   "q" alert member channel due_ms   ""        retry_entry_to_add    retry_entry_to_remove ""
//   "a" alert queue  entry_id ""      ""        ""                    ""       ""
//   "c" alert member channel ""       ""        ""                    retry_entry_to_remove ""
// r: a final state (sent, failed:<reason>, opted_out, expired, cancelled); ignored when
//    the member already has a final state. opted_out also adds address to the registry;
//    sent with a receipt_key (msg:{gateway}:{id}) maps it to "alert|member|channel" for
//    delivery receipts (receipt_store.h).
// q: waiting for a retry at due_ms. c: a retry dropped because the alert was cancelled.
// a: the job is done: XACK, XDEL, one job less pending (only the first time).
// Returns the number of alerts that became `sent`.
const redis::Script& record_script();

// KEYS: q:retry. ARGV: now (ms), lease (ms), limit. Returns the entries due now
// ("alert|member|channel|attempt") and moves each to now + lease, so a daemon that dies
// before recording its result leaves it to be taken again when the lease runs out.
const redis::Script& take_retries_script();

}  // namespace tocsin::dispatch
