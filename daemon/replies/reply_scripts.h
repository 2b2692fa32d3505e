#pragma once
// The reply worker's Lua scripts (reply_worker.h), replies/*.lua. Each takes a whole batch
// of replies, so a burst of thousands of replies a second costs a few round trips per batch.
// Each script's KEYS are built by the function beside it (reply_keys.h names them).

#include <cstdint>
#include <string>
#include <vector>

#include "replies/rsvp_builder.h"

namespace tocsin::redis {
class Script;
}

namespace tocsin::replies {

// Applies one alert's replies of a batch, in order (record_replies.lua): a batch spanning
// alerts is one call per alert, each in the alert's hash slot. KEYS:
// record_replies_keys(alert). ARGV: record_replies_args(alert, its replies). Kinds:
//   rsvp     store the record (replacing the member's previous one), move the tally by
//            the difference, forget an unknown reply of theirs; "recorded" or "same"
//   unknown  keep the text in alert:{id}:unknown for a coordinator; "unknown"
// The tally's "unknown" measure follows alert:{id}:unknown (members without an RSVP), and
// each call that changes the tally bumps the alert's turnout_version once. A member the
// alert has not placed yet counts at `place`, as read from the roster. Returns one status
// per reply. (Opt-outs and opt-ins are not the alert's: sms_opt_outs.h.)
struct ReplyToRecord {
  std::string kind;     // "rsvp" | "unknown"
  std::string member;
  std::string encoded;  // the RsvpRecord, for "rsvp"
  std::string text;
  int64_t at_ms = 0;
  MemberPlace place;
};
const redis::Script& record_replies_script();
std::vector<std::string> record_replies_keys(const std::string& alert_id);
std::vector<std::string> record_replies_args(const std::string& alert_id,
                                             const std::vector<ReplyToRecord>& replies);

// Whether each number may get another automatic answer (auto_answer.lua): at most ARGV[1]
// per number in ARGV[2] seconds (a member's phone that answers every SMS must not loop
// with us). KEYS: per number auto_answer_key(number). Returns 1 (allowed, and counted) or
// 0 per number.
const redis::Script& auto_answer_script();
std::string auto_answer_key(const std::string& number);

}  // namespace tocsin::replies
