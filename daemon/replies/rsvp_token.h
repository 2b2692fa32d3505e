#pragma once
// The token of a one-click RSVP link, "/r/{code}.{tag}" (alerts/rsvp_link.h): read it, and
// check a tag against the one the sender made for an alert and member. Pure.

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

}  // namespace tocsin::replies
