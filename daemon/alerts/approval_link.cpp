#include "alerts/approval_link.h"

#include <openssl/crypto.h>

#include <charconv>

#include "alerts/rsvp_link.h"

namespace tocsin::alerts {

std::string approval_tag(std::string_view secret, std::string_view alert_id,
                         int64_t expires_at_unix) {
  // A separator that ids cannot contain keeps the id and the expiry apart; the prefix keeps
  // these tags apart from any other HMAC a secret might be reused for.
  std::string input = "approve\n";
  input.append(alert_id).push_back('\n');
  input += std::to_string(expires_at_unix);
  return hmac_tag(secret, input, kApprovalTagLength);
}

std::string approval_link(std::string_view public_url, std::string_view alert_id,
                          int64_t expires_at_unix, std::string_view tag) {
  std::string link(public_url);
  while (!link.empty() && link.back() == '/') link.pop_back();
  link += "/#approve=";
  link += alert_id;
  link += "&exp=" + std::to_string(expires_at_unix);
  link += "&sig=";
  link += tag;
  return link;
}

LinkVerdict check_approval_link(std::string_view secret, std::string_view alert_id,
                                std::string_view expires_text, std::string_view tag,
                                int64_t now_unix) {
  if (secret.empty() || tag.size() != kApprovalTagLength || expires_text.empty()) {
    return LinkVerdict::forged;
  }
  int64_t expires = 0;
  const auto* end = expires_text.data() + expires_text.size();
  const auto [stop, error] = std::from_chars(expires_text.data(), end, expires);
  if (error != std::errc() || stop != end || expires <= 0) return LinkVerdict::forged;
  const std::string expected = approval_tag(secret, alert_id, expires);
  if (CRYPTO_memcmp(expected.data(), tag.data(), kApprovalTagLength) != 0) {
    return LinkVerdict::forged;
  }
  return now_unix >= expires ? LinkVerdict::expired : LinkVerdict::valid;
}

std::string link_refusal(LinkVerdict verdict) {
  switch (verdict) {
    case LinkVerdict::expired:
      return "this approval link has expired (links work for 24 hours): open the alert in the "
             "console, or ask its creator to request approval again";
    case LinkVerdict::forged:
      return "this approval link is not valid (altered or not issued by this daemon): open the "
             "alert in the console instead";
    case LinkVerdict::valid:
      break;
  }
  return "";
}

}  // namespace tocsin::alerts
