#pragma once
// The reply worker's Lua scripts (reply_worker.h), replies/*.lua. Each takes a whole batch
// of replies, so a burst of thousands of replies a second costs a few round trips per batch.
// Each script's KEYS are built by the function beside it (reply_keys.h names them).

#include <string>
#include <vector>

namespace tocsin::redis {
class Script;
}

namespace tocsin::replies {

// Applies a batch (record_replies.lua). KEYS: record_replies_keys(), then per reply
// add_record_keys(its alert, its number), "" for what it lacks. ARGV: n, then per reply 7 fields:
// kind, alert, member, number, the encoded RsvpRecord, text, at_ms. Kinds:
//   rsvp     store the record (replacing the member's previous one), move the tally by
//            the difference, forget an unknown reply of theirs; "recorded" or "same"
//   unknown  keep the text in alert:{id}:unknown for a coordinator; "unknown"
// The tally's "unknown" measure follows alert:{id}:unknown (members without an RSVP), and
// each call that changes the tally bumps the alert's turnout_version once.
//   stop     opt the number out of SMS (optout:sms, and its holders); "opted_out"
//   start    opt it back in; "resubscribed"
// Returns one status per reply.
const redis::Script& record_replies_script();
std::vector<std::string> record_replies_keys();
void add_record_keys(std::vector<std::string>& out, const std::string& alert_id,
                     const std::string& number);

// Whether each number may get another automatic answer (auto_answer.lua): at most ARGV[1]
// per number in ARGV[2] seconds (a member's phone that answers every SMS must not loop
// with us). KEYS: per number auto_answer_key(number). Returns 1 (allowed, and counted) or
// 0 per number.
const redis::Script& auto_answer_script();
std::string auto_answer_key(const std::string& number);

}  // namespace tocsin::replies
