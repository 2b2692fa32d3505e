#pragma once
// Where members' replies live in Redis: the one place that spells the replies' own keys,
// and the keys of other aggregates the reply worker reads or writes (its scripts,
// replies/*.lua; the match, reply_matcher.h; the SMS opt-outs, sms_opt_outs.h).
//
// The replies' own:
//   q:replies                         STREAM of replies as they arrive, consumer group
//                                     "replies" (inbound_store.h)
//   inbound:seen:{q:replies}:<gateway>:<id>  STRING with a week's TTL: the provider
//                                     message id seen, so a repeated webhook is not stored
//                                     twice; the hash tag puts it in the slot of q:replies,
//                                     which the same script appends to
//   reply:auto:{auto}:<number>        counter with a TTL: automatic answers sent to a
//                                     number in the window (a phone that answers every SMS
//                                     must not loop with us); one slot for all, as one
//                                     script counts a batch's numbers
// (Before the tags, inbound:seen:<gateway>:<id> and reply:auto:<number>: they expire
// within a week and an hour, and a webhook repeated across the upgrade is stored twice,
// which applying replies twice makes harmless.)
//
// An alert's, under its hash tag {id} (alerts/alert_keys.h): alert:{id} (the fragments'
// base), :rsvp, :rsvp_text, :unknown, :tally, :to; the index "alerts" and the codes
// "alert:code:{code}".
//
// The members' (members/member_keys.h): member:{id}:idx, a matched member's place and
// language. The opt-out registry a STOP or START changes is written by the members' own
// step (members/opt_out_registry.h).

#include <string>
#include <string_view>

#include "alerts/alert_keys.h"
#include "members/member_keys.h"

namespace tocsin::replies::keys {

inline constexpr std::string_view kInboundQueue = "q:replies";

inline std::string inbound_seen(std::string_view gateway, std::string_view provider_id) {
  return "inbound:seen:{q:replies}:" + std::string(gateway) + ":" + std::string(provider_id);
}
inline std::string auto_answers(std::string_view number) {
  return "reply:auto:{auto}:" + std::string(number);
}

using alerts::keys::alert;
using alerts::keys::code;
using alerts::keys::kIndex;
using alerts::keys::recipients;
using alerts::keys::rsvp;
using alerts::keys::rsvp_text;
using alerts::keys::tally;
using alerts::keys::unknown_replies;

inline std::string member_index(std::string_view id) {
  return members::keys::index(id);
}

}  // namespace tocsin::replies::keys
