#pragma once
// The reply worker's Lua scripts (reply_worker.h). Each takes a whole batch of replies, so
// a burst of thousands of replies a second costs a few round trips per batch.

namespace tocsin::redis {
class Script;
}

namespace tocsin::replies {

// The open alerts (sending or sent) among the 200 most recently created.
// Returns { id, sending_at_ms, proto } per open alert.
const redis::Script& open_alerts_script();

// Which alert and member each reply answers. ARGV: n_open, then per open alert (most
// recently sent first) its id and code, then per reply the sender's number (E.164) and the
// code the reply quotes (or ""). A reply answers the most recent open alert sent to its
// number, or the one whose code it quotes. Returns per reply
// { alert, member, region, sector, local, language }, the first two empty when none.
const redis::Script& match_replies_script();

// Applies a batch. ARGV: n, then per reply 7 fields: kind, alert, member, number, the
// encoded RsvpRecord, text, at_ms. Kinds:
//   rsvp     store the record (replacing the member's previous one), move the tally by
//            the difference, forget an unknown reply of theirs; "recorded" or "same"
//   unknown  keep the text in alert:{id}:unknown for a coordinator; "unknown"
//   stop     opt the number out of SMS (optout:sms, and its holders); "opted_out"
//   start    opt it back in; "resubscribed"
// Returns one status per reply.
const redis::Script& record_replies_script();

}  // namespace tocsin::replies
