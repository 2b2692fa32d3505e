#pragma once
// The personal link in each message ({rsvp_link}): public URL + "/r/" + alert code + "." +
// tag, e.g. "https://tocsin.example/r/A7.k3J9xQ2mPa". The tag is an HMAC of the alert and
// member ids under a secret kept in Redis, so links cannot be guessed or forged, and it
// is short because it goes into every SMS. The sender stores tag -> member in
// alert:{id}:links; the RSVP page finds the alert by its code and the member by the tag.

#include <string>
#include <string_view>

#include "alerts/alert_keys.h"

namespace tocsin::alerts {

inline constexpr size_t kRsvpTagLength = 10;  // base64url characters: 60 bits

// Redis key of the secret (32 random bytes, created once by the first daemon to start).
inline constexpr std::string_view kRsvpSecretKey = keys::kRsvpSecret;

// `characters` (at most 42) base64url characters of HMAC-SHA256(secret, input), six bits
// each from the digest's first bit: the tags of RSVP links and approval links.
std::string hmac_tag(std::string_view secret, std::string_view input, size_t characters);

// kRsvpTagLength characters of base64url.
std::string rsvp_tag(std::string_view secret, std::string_view alert_id,
                     std::string_view member_id);

std::string rsvp_link(std::string_view public_url, std::string_view alert_code,
                      std::string_view tag);

// 32 random bytes from the OS CSPRNG; throws std::runtime_error when it fails.
std::string new_rsvp_secret();

}  // namespace tocsin::alerts
