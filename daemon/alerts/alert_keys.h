#pragma once
// Where an alert lives in Redis: the one place that names these keys, shared by the alert
// store (create, approve, cancel), the send queue and the dispatch engine. Every key of one
// alert carries the hash tag {id}, so the layout survives a move to Redis Cluster
// (daemon/README.md, "Redis").
//
//   alert:{id}            HASH, the fields below
//   alert:{id}:audience   SET of member ids, frozen when the alert is sent
//   alert:{id}:sent       HASH "member:channel" -> gateway message id (idempotency)
//   alert:{id}:delivery   HASH "member:channel" -> delivery state (kDelivery* below)
//   alert:{id}:to         HASH address -> member id: one message per phone or email
//                         address, even when members share it
//   alert:{id}:count      HASH delivery state -> number of messages in it
//   alert:{id}:links      HASH link tag -> member id, for the RSVP links sent (rsvp_link.h)
//   alert:{id}:rsvp       HASH member id -> the member's RSVP (turnout/rsvp_record.h)
//   alert:{id}:rsvp_text  HASH member id -> the text of the reply that set it
//   alert:{id}:tally      HASH "region|dimension|measure" -> count, kept equal to the
//                         stored RSVPs and unclear replies (turnout/rsvp_record.h)
//   alert:{id}:unknown    HASH member id -> "at_ms|text": replies not read with confidence,
//                         until a coordinator resolves them or the member answers clearly
//   alert:{id}:reach      HASH "region|dimension|measure" -> members (turnout_field.h): the
//                         frozen audience and each member's best delivery state
//   alert:{id}:dims       HASH member id -> where the member counts in the turnout, as
//                         when their alert was prepared (turnout/reach_lib.lua)
//   alert:{id}:reach_log  LIST of reach moves not yet counted (member, old, new best),
//                         while the alert is sending; alert:{id}:reach_log_at: since when
//   alert:{id}:unreachable  SET of members with no address on the alert's channels
//   alert:{id}:regions    SET of the region parts its reach and tally fields name
//   alert:{id}:turnout_version  STRING, +1 per script call that changes reach or tally
//   alert:{id}:turnout_tracked  STRING, +1 per such call that notes the fields it wrote in
//                         alert:{id}:{tally,reach,day}:moved (SETs of field names, emptied by
//                         the event stream's publisher: events/publish_turnout.lua)
//   alert:{id}:turnout_at       STRING, Unix ms of the last such change
//   alert:{id}:events     STREAM of turnout changes (the event stream)
//   alerts                ZSET id by creation time (ms)
//   alert:{id}:children   HASH "wave:N" | "followup:N" -> child alert id (waves, follow-ups)
//   alert:code:{code}     STRING -> id, the short code members quote ("A7")
//   alert:code:seq        counter behind the codes
//   q:send:urgent, q:send:routine   STREAMs of send jobs, consumer group "dispatch"
//   (q:retry and the consumer group are the dispatch engine's: dispatch/dispatch_keys.h;
//   the audit stream: audit/audit_keys.h)
//   alert:{id}:audit      STREAM, the alert's own audit entries (its trail), written in the
//                         step they record (alerts/audited_lib.lua) and relayed from there
//                         to the global audit stream (alerts/alert_relay.h)
//   alert:{id}:approval_asked  STRING with a TTL while a new approval request is refused
//   alert:{id}:test:{account}  STRING with a TTL while another test to that account is refused
//
// The event day (seats, check-in, rides), all under the alert's tag; the values are fields
// joined by \x1f, like an RSVP:
//   alert:{id}:day        HASH "region|dimension|measure" -> count, the event day's counts:
//                         "seated", "waitlisted" (seats), "present", "present_self"
//                         (members), and "buses" in "region|pickup:P|"; read and published
//                         with reach and tally (turnout_field.h)
//   alert:{id}            also holds each seat-giving pickup point's fleet: "fleet:<p>" (buses
//                         now), "seats_per_bus:<p>", "fleet_free:<p>", "fleet_hint:<p>",
//                         "fleet_place:<p>" (alerts/fleet_fields.h, seats/seat_lib.lua)
//   alert:{id}:seat       HASH member id -> "pickup\x1fbus\x1fseats\x1fat_ms\x1fconfirmed":
//                         the members holding bus seats (seats/seat_record.h)
//   alert:{id}:load       HASH "pickup\x1fbus" -> seats taken on that bus
//   alert:{id}:waiting    HASH member id -> "pickup\x1fseats\x1fat_ms\x1fsequence"
//   alert:{id}:wait:{pickup}  ZSET member id by arrival sequence: a pickup point's waitlist
//   alert:{id}:seat_seq   counter behind the waitlist's arrival order
//   alert:{id}:present    HASH member id -> "at_ms\x1fhow\x1fby", how "scan" | "manual" |
//                         "self" (a member's PRÉSENT A7, shown apart)
//   alert:{id}:rides      HASH match id -> a confirmed ride match (rides/)
//   alert:{id}:riding     HASH rider member id -> the match id they ride in (rides/)
//   alert:{id}:car_load   HASH driver member id -> seats of their confirmed riders (rides/)
//   alert:{id}:ride_seq   counter behind the match ids ("R1", "R2"...)
//   alert:{id}:checkin_codes    HASH short check-in code -> member id (checkin/)
//   alert:{id}:checkin_code_of  HASH member id -> their short check-in code
//   alert:{id}:milestones HASH targets and quorums reached, told once on the event stream
//                         (named in events/event_keys.h, written by events/milestones.h)
//   alert:{id}:seat_notices  STREAM of the alert's seat news to tell members by SMS (seated,
//                         waitlisted, promoted, lapsed), written in the step that moved the
//                         seat and relayed from there to seats:notices (alerts/alert_relay.h)
//   seats:notices         STREAM of every alert's seat news, consumer group "seats"
//   alert:{id}:schedule_out  STREAM of the scheduler items the alert's steps add or remove
//                         ("op", "item", "due"), applied from there to the scheduler's
//                         ZSETs (schedule/schedule_outbox.h)
//   {seats:notices}:relayed  HASH alert:{id}:seat_notices -> the id of its last entry
//                         relayed (the hash tag keeps it in the slot of seats:notices)
//
// The alert store's and the preview's own, outside any alert's tag:
//   templates             HASH kind name -> the alert template, JSON (template_store.h)
//   {templates}:audit     STREAM, a template edit's audit entry, written with the edit (its
//                         hash tag is the slot of `templates`) and relayed to the audit log
//   secret:rsvp, secret:approval  STRINGs, 32 random bytes: the keys the RSVP and approval
//                         links are signed with (rsvp_link.h, approval_link.h)
//   tmp:preview:{random}  SET, a preview's materialized audience; tmp:group:{random}, a
//                         child's group counted at approval; tmp:brk:{random}:sms|email,
//                         the addresses a preview has counted (audience_breakdown.h). Each
//                         private to one call, deleted by it (or expiring)

#include <string>
#include <string_view>


namespace tocsin::alerts::keys {

inline std::string alert(std::string_view id) {
  return "alert:{" + std::string(id) + "}";
}
inline std::string audience(std::string_view id) { return alert(id) + ":audience"; }
inline std::string sent(std::string_view id) { return alert(id) + ":sent"; }
inline std::string delivery(std::string_view id) { return alert(id) + ":delivery"; }
inline std::string recipients(std::string_view id) { return alert(id) + ":to"; }
inline std::string counts(std::string_view id) { return alert(id) + ":count"; }
inline std::string links(std::string_view id) { return alert(id) + ":links"; }
inline std::string rsvp(std::string_view id) { return alert(id) + ":rsvp"; }
inline std::string rsvp_text(std::string_view id) { return alert(id) + ":rsvp_text"; }
inline std::string tally(std::string_view id) { return alert(id) + ":tally"; }
inline std::string unknown_replies(std::string_view id) { return alert(id) + ":unknown"; }
inline std::string reach(std::string_view id) { return alert(id) + ":reach"; }
inline std::string dims(std::string_view id) { return alert(id) + ":dims"; }
inline std::string turnout_version(std::string_view id) { return alert(id) + ":turnout_version"; }
inline std::string turnout_at(std::string_view id) { return alert(id) + ":turnout_at"; }
inline std::string turnout_tracked(std::string_view id) {
  return alert(id) + ":turnout_tracked";
}
// The fields of a count hash (tally, reach, day) written since the last event-stream entry.
inline std::string moved_fields(std::string_view count_hash) {
  return std::string(count_hash) + ":moved";
}
inline std::string regions(std::string_view id) { return alert(id) + ":regions"; }
inline std::string unreachable(std::string_view id) {
  return alert(id) + ":unreachable";
}
inline std::string events(std::string_view id) { return alert(id) + ":events"; }
inline std::string children(std::string_view id) { return alert(id) + ":children"; }
inline std::string audit_trail(std::string_view id) { return alert(id) + ":audit"; }
inline std::string seat_notices(std::string_view id) { return alert(id) + ":seat_notices"; }
inline std::string schedule_outbox(std::string_view id) { return alert(id) + ":schedule_out"; }
inline std::string approval_asked(std::string_view id) { return alert(id) + ":approval_asked"; }
inline std::string test_sent(std::string_view id, std::string_view account) {
  return alert(id) + ":test:" + std::string(account);
}
inline std::string day(std::string_view id) { return alert(id) + ":day"; }
inline std::string seats(std::string_view id) { return alert(id) + ":seat"; }
inline std::string bus_load(std::string_view id) { return alert(id) + ":load"; }
inline std::string waiting(std::string_view id) { return alert(id) + ":waiting"; }
inline std::string waitlist(std::string_view id, std::string_view pickup) {
  return alert(id) + ":wait:" + std::string(pickup);
}
inline std::string seat_sequence(std::string_view id) { return alert(id) + ":seat_seq"; }
inline std::string present(std::string_view id) { return alert(id) + ":present"; }
inline std::string rides(std::string_view id) { return alert(id) + ":rides"; }
inline std::string riding(std::string_view id) { return alert(id) + ":riding"; }
inline std::string car_load(std::string_view id) { return alert(id) + ":car_load"; }
inline std::string ride_sequence(std::string_view id) { return alert(id) + ":ride_seq"; }
inline std::string checkin_codes(std::string_view id) { return alert(id) + ":checkin_codes"; }
inline std::string checkin_code_of(std::string_view id) { return alert(id) + ":checkin_code_of"; }
inline std::string code(std::string_view code) { return "alert:code:" + std::string(code); }

inline constexpr std::string_view kIndex = "alerts";
inline constexpr std::string_view kCodeSequence = "alert:code:seq";
inline constexpr std::string_view kUrgentQueue = "q:send:urgent";
inline constexpr std::string_view kRoutineQueue = "q:send:routine";
inline constexpr std::string_view kSeatNotices = "seats:notices";
inline constexpr std::string_view kSeatNoticesRelayed = "{seats:notices}:relayed";
inline constexpr std::string_view kTemplates = "templates";
// A key whose hash tag is "templates" shares the slot of the key `templates` itself.
inline constexpr std::string_view kTemplatesAudit = "{templates}:audit";
// The secrets the links sent are signed with (rsvp_link.h, approval_link.h).
inline constexpr std::string_view kRsvpSecret = "secret:rsvp";
inline constexpr std::string_view kApprovalSecret = "secret:approval";

// `tag`: unique to the call (random_id()).
inline std::string temporary_preview(std::string_view tag) {
  return "tmp:preview:{" + std::string(tag) + "}";
}
inline std::string temporary_group(std::string_view tag) {
  return "tmp:group:{" + std::string(tag) + "}";
}
// `channel`: "sms" | "email".
inline std::string temporary_counted(std::string_view tag, std::string_view channel) {
  return "tmp:brk:{" + std::string(tag) + "}:" + std::string(channel);
}

// Fields of the alert:{id} HASH. The state field is the truth; the state inside the
// stored Alert message is not kept up to date (Lua scripts change states, and Lua cannot
// write protobuf).
namespace field {
inline constexpr std::string_view kProto = "proto";            // Alert, serialized
inline constexpr std::string_view kState = "state";            // state name, below
inline constexpr std::string_view kKind = "kind";              // "urgent" | "routine"
inline constexpr std::string_view kCreatedBy = "created_by";   // token name
inline constexpr std::string_view kCreatedByToken = "created_by_token";  // Principal::token_id
inline constexpr std::string_view kCreatedAtMs = "created_at_ms";
inline constexpr std::string_view kExpiresAtMs = "expires_at_ms";  // 0 = no expiry
inline constexpr std::string_view kApprovedBy = "approved_by";
inline constexpr std::string_view kApprovedByToken = "approved_by_token";
inline constexpr std::string_view kApprovedAtMs = "approved_at_ms";
// Written when sending starts:
inline constexpr std::string_view kAudienceSize = "audience_size";  // frozen members
inline constexpr std::string_view kSendingAtMs = "sending_at_ms";
inline constexpr std::string_view kSentBy = "sent_by";
// Jobs of the queue not yet finished, and retries waiting in q:retry: the alert is sent
// when both reach zero.
inline constexpr std::string_view kJobsPending = "jobs_pending";
inline constexpr std::string_view kRetriesPending = "retries_pending";
inline constexpr std::string_view kFinishedAtMs = "finished_at_ms";
inline constexpr std::string_view kCancelledBy = "cancelled_by";
inline constexpr std::string_view kCancelledAtMs = "cancelled_at_ms";
// "1" when the prepare step need not count members as targeted in alert:{id}:reach: set at
// the start of sending, since each job's members are counted as it is queued
// (dispatch/send_jobs.lua). Alerts started by an older tocsind lack it until their own
// targeting pass ends, and prepare counts their members.
inline constexpr std::string_view kTurnoutTargeted = "turnout_targeted";
// A child (a wave or a follow-up, Alert.parent_id): the alert it follows and the group of
// that alert's audience it goes to. The prepare step checks the group again per member.
inline constexpr std::string_view kParent = "parent";
inline constexpr std::string_view kTargetGroup = "target_group";
// A scheduled alert: when it is to be sent (Unix ms) and who asked for it.
inline constexpr std::string_view kSendAtMs = "send_at_ms";
inline constexpr std::string_view kScheduledBy = "scheduled_by";
// A draft's approval asked of the other executives (alerts/approval_store.h), and the
// latest refusal of one of them (the alert stays a draft; another may still approve).
inline constexpr std::string_view kApprovalRequestedBy = "approval_requested_by";
inline constexpr std::string_view kApprovalRequestedAtMs = "approval_requested_at_ms";
inline constexpr std::string_view kApprovalNotifiedSms = "approval_notified_sms";
inline constexpr std::string_view kApprovalNotifiedEmail = "approval_notified_email";
inline constexpr std::string_view kApprovalNotifiedNames = "approval_notified_names";  // "\n"
inline constexpr std::string_view kDeclinedBy = "declined_by";
inline constexpr std::string_view kDeclinedByToken = "declined_by_token";
inline constexpr std::string_view kDeclinedAtMs = "declined_at_ms";
inline constexpr std::string_view kDeclineReason = "decline_reason";
}  // namespace field

// Values of field::kState: the AlertState names of proto/tocsin.proto, in lower case.
namespace state {
inline constexpr std::string_view kDraft = "draft";
inline constexpr std::string_view kApproved = "approved";
inline constexpr std::string_view kSending = "sending";
inline constexpr std::string_view kSent = "sent";
inline constexpr std::string_view kClosed = "closed";
inline constexpr std::string_view kCancelled = "cancelled";
inline constexpr std::string_view kScheduled = "scheduled";
}  // namespace state

// Values of alert:{id}:delivery, and the fields of alert:{id}:count.
namespace delivery_state {
inline constexpr std::string_view kRetrying = "retrying";    // waiting in q:retry
inline constexpr std::string_view kSent = "sent";            // a gateway accepted it
inline constexpr std::string_view kDelivered = "delivered";  // receipt: the handset has it
inline constexpr std::string_view kFailed = "failed";        // "failed:<reason>" in delivery
inline constexpr std::string_view kOptedOut = "opted_out";   // opted out before or by the send
inline constexpr std::string_view kExpired = "expired";      // not sent before the expiry
inline constexpr std::string_view kSkipped = "skipped";      // "skipped:<why>": a shared
                                                             // address, a removed member
inline constexpr std::string_view kCancelled = "cancelled";  // was retrying when cancelled
}  // namespace delivery_state

}  // namespace tocsin::alerts::keys
