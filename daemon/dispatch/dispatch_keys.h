#pragma once
// Where the dispatch engine's own state lives in Redis: the one place that spells these
// keys. The alert's keys it writes (delivery, count, sent...) are named in
// alerts/alert_keys.h; the send queues' names there too, since the alert store chooses the
// queue of an alert's class (alerts/queue_class.h).
//
//   q:send:urgent, q:send:routine   STREAMs of send jobs (alert_keys.h), read by the
//                         consumer group "dispatch" (kConsumerGroup): each entry the alert
//                         id and up to dispatch.job_size "m" fields of member ids
//   q:retry               ZSET "alert|member|channel|attempt" by due time (ms): messages
//                         waiting for another attempt, a quiet-hours window's end or an
//                         SMS's email fallback, for every alert (take_retries.lua leases them)
//   alert:{id}:retries    ZSET, the same entries of one alert, written by the record step with
//                         the member's `retrying` state: the alert's own record of what it
//                         waits for, from which the recorder then adds each to q:retry and a
//                         start puts back what a crash left out (retry_repair.h)
//   alert:{id}:jobs_done  SET of the send queue's entry ids of the alert's jobs recorded done,
//                         so that a job counts once in jobs_pending however often its
//                         acknowledgement is written (the recorder acknowledges it after)
//   alert:{id}:audience:staging:<n>  SET, the audience of one :send being frozen slice by
//                         slice (audience_freeze.h), renamed to alert:{id}:audience (or
//                         unlinked) by the send's script; expires after an hour meanwhile
//   alert:{id}:jobs:staging:<n>  LIST beside it: the same members in jobs of at most
//                         dispatch.job_size ids, one cmsgpack array each (audience_stage.lua)
//   alert:{id}:jobs:unqueued  LIST, the staged jobs once the alert is sending (renamed by
//                         send_start.lua), moved a few at a time by send_jobs.lua
//                         (job_writer.h) to the outbox below; gone once all are queued. Beside
//                         it, fields of alert:{id}: jobs_queued "0" while jobs wait there,
//                         "1" once all are queued (the alert cannot be sent before; absent
//                         for a send an older tocsind started, all its jobs queued at once);
//                         jobs_dropped, the jobs a cancel left unqueued
//   alert:{id}:jobs_out:<queue>  STREAM, the alert's jobs in the send queue's format, in
//                         the alert's slot, relayed by the writer right after each call to
//                         <queue> (q:send:urgent or q:send:routine) exactly once
//                         (redis/stream_relay.h; a relay cut short is made up by the sweep)
//   {q:send:urgent}:relayed, {q:send:routine}:relayed  HASH, the relay's cursors (outbox ->
//                         last entry relayed), in their queue's slot
//   alert:{id}:unreachable  SET of the members with no address on the alert's channels,
//                         written by the prepare step (its place in alert_keys.h's table)
//   msg:{<gateway>:<message id>}  STRING "alert|member|channel", with a TTL (kReceiptTtl):
//                         the member a gateway's message id belongs to, for its delivery
//                         receipts (receipt_store.h)
//   msg:{<gateway>:<message id>}:early  STRING, the state of a receipt that came before its
//                         send was recorded; applied by the record script. Its hash tag is
//                         the mapping's, so a receipt's look-up and its keeping are one step
//                         (receipt_find.lua). An older tocsind wrote the mapping untagged
//                         (msg:<gateway>:<message id>): read too, until those expire.
//
// Hash tags: a receipt's two keys share the message's ({<gateway>:<message id>}); its two
// scripts each stay in one slot. The send's steps each touch one slot: the prepare step is
// given the members' data as values (read in the roster's slot first); the job writing
// writes the alert's outbox, relayed to the send queue; the record step writes only the
// alert's keys, and the recorder writes the opt-out registry before it and q:retry, the
// send queues' acknowledgements and the receipt mappings after it (record_plan.h), so the
// whole send runs on Redis Cluster.

#include <cstdint>
#include <string>
#include <string_view>

#include "alerts/alert_keys.h"
#include "members/member_keys.h"

namespace tocsin::dispatch::keys {

inline constexpr std::string_view kUrgentQueue = alerts::keys::kUrgentQueue;
inline constexpr std::string_view kRoutineQueue = alerts::keys::kRoutineQueue;
inline constexpr std::string_view kRetryQueue = "q:retry";
inline constexpr std::string_view kConsumerGroup = "dispatch";

using alerts::keys::unreachable;

// `nonce`: unique per call (a random number), in the alert's hash slot.
inline std::string staged_audience(std::string_view alert_id, uint64_t nonce) {
  return alerts::keys::audience(alert_id) + ":staging:" + std::to_string(nonce);
}

inline std::string staged_jobs(std::string_view alert_id, uint64_t nonce) {
  return alerts::keys::alert(alert_id) + ":jobs:staging:" + std::to_string(nonce);
}

inline std::string alert_retries(std::string_view alert_id) {
  return alerts::keys::alert(alert_id) + ":retries";
}
inline std::string jobs_done(std::string_view alert_id) {
  return alerts::keys::alert(alert_id) + ":jobs_done";
}

inline std::string unqueued_jobs(std::string_view alert_id) {
  return alerts::keys::alert(alert_id) + ":jobs:unqueued";
}
// `queue_key`: kUrgentQueue or kRoutineQueue, where the outbox's jobs are relayed.
inline std::string jobs_outbox(std::string_view alert_id, std::string_view queue_key) {
  return alerts::keys::alert(alert_id) + ":jobs_out:" + std::string(queue_key);
}
// The relay's cursors of a send queue, in the queue's slot (its whole name is its tag).
inline std::string queue_relay_cursors(std::string_view queue_key) {
  return "{" + std::string(queue_key) + "}:relayed";
}

// `gateway`: the gateway's configured name; `message_id`: the id it gave the message.
inline std::string receipt(std::string_view gateway, std::string_view message_id) {
  std::string key = "msg:{";
  key.append(gateway).push_back(':');
  key.append(message_id).push_back('}');
  return key;
}
// The mapping's name before its hash tag, which a receipt also looks under for a message
// an older tocsind sent (kReceiptTtl after an upgrade, none is left).
inline std::string untagged_receipt(std::string_view gateway, std::string_view message_id) {
  std::string key = "msg:";
  key.append(gateway).push_back(':');
  key.append(message_id);
  return key;
}
inline std::string early_receipt(std::string_view receipt_key) {
  return std::string(receipt_key) + ":early";
}

}  // namespace tocsin::dispatch::keys
