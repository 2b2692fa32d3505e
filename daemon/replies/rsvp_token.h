#pragma once
// The token of a one-click RSVP link, "/r/{code}.{tag}" (alerts/rsvp_link.h): read it, and
// check a tag against the one the sender made for an alert and member; and the page's form
// token, which the page's form carries so that an answer from a browser that tells neither
// Sec-Fetch-Site nor its Origin is still known to come from our page (http/same_origin.h).
// Pure.

#include <optional>
#include <string>
#include <string_view>

namespace tocsin::replies {

struct RsvpToken {
  std::string code;  // "A7"
  std::string tag;   // kRsvpTagLength characters of base64url
};

// "A7.k3J9xQ2mPa" -> {"A7", "k3J9xQ2mPa"}; nullopt for anything else (a mangled or
// truncated link), before any lookup.
std::optional<RsvpToken> parse_rsvp_token(std::string_view text);

// Whether `tag` is rsvp_tag(secret, alert_id, member_id), compared in constant time so the
// answer time does not tell how much of a guess was right.
bool rsvp_tag_matches(std::string_view secret, std::string_view alert_id,
                      std::string_view member_id, std::string_view tag);

// The form token of the page of that alert and member: an HMAC under the same secret as the
// link's tag but of other input, so one is never the other. kRsvpTagLength characters.
std::string rsvp_form_token(std::string_view secret, std::string_view alert_id,
                            std::string_view member_id);

// Whether `given` is `expected`, compared in constant time (for a form token: the answer
// time does not tell how much of a guess was right).
bool tokens_equal(std::string_view expected, std::string_view given);

}  // namespace tocsin::replies
