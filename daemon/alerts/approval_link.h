#pragma once
// The link in the message that asks an executive to approve an alert:
//   <http.public_url>/#approve=<alert id>&exp=<unix seconds>&sig=<tag>
// The tag is an HMAC-SHA256 of the alert id and the expiry under a secret kept in Redis
// (kApprovalSecretKey), so a link cannot be forged or have its expiry moved. The link
// grants nothing by itself: the console's page behind it asks for a sign-in first, and the
// approve and decline requests made from it carry exp and sig, checked here. Pure.

#include <cstdint>
#include <string>
#include <string_view>

#include "alerts/alert_keys.h"

namespace tocsin::alerts {

// Redis key of the secret (32 random bytes, created by the first approval request).
inline constexpr std::string_view kApprovalSecretKey = keys::kApprovalSecret;

// How long a link works (it also stops working once the alert leaves the draft state).
inline constexpr int64_t kApprovalLinkSeconds = 24 * 3600;

inline constexpr size_t kApprovalTagLength = 22;  // base64url characters: 132 bits

// kApprovalTagLength characters of base64url.
std::string approval_tag(std::string_view secret, std::string_view alert_id,
                         int64_t expires_at_unix);

std::string approval_link(std::string_view public_url, std::string_view alert_id,
                          int64_t expires_at_unix, std::string_view tag);

enum class LinkVerdict { valid, expired, forged };

// `expires_text` and `tag` as the request carried them. Forged (a tag that does not match,
// a malformed expiry, no secret) is judged before expired, so an expiry moved by hand
// reads as forged. The tags are compared in constant time.
LinkVerdict check_approval_link(std::string_view secret, std::string_view alert_id,
                                std::string_view expires_text, std::string_view tag,
                                int64_t now_unix);

// The words a refusal of a link answers ("this approval link has expired...").
std::string link_refusal(LinkVerdict verdict);

}  // namespace tocsin::alerts
