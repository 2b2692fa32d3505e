#include "replies/rsvp_token.h"

#include <openssl/crypto.h>

#include "alerts/rsvp_link.h"

namespace tocsin::replies {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool is_base64url(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || is_digit(c) || c == '-' || c == '_';
}

}  // namespace

std::optional<RsvpToken> parse_rsvp_token(std::string_view text) {
  const size_t dot = text.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  const std::string_view code = text.substr(0, dot);
  const std::string_view tag = text.substr(dot + 1);
  // Codes are "A" and a counter (alert_store.cpp): 19 digits is more than any int64.
  if (code.size() < 2 || code.size() > 20 || code[0] != 'A' || code[1] == '0') return std::nullopt;
  for (char c : code.substr(1)) {
    if (!is_digit(c)) return std::nullopt;
  }
  if (tag.size() != alerts::kRsvpTagLength) return std::nullopt;
  for (char c : tag) {
    if (!is_base64url(c)) return std::nullopt;
  }
  return RsvpToken{std::string(code), std::string(tag)};
}

bool rsvp_tag_matches(std::string_view secret, std::string_view alert_id,
                      std::string_view member_id, std::string_view tag) {
  return tokens_equal(alerts::rsvp_tag(secret, alert_id, member_id), tag);
}

std::string rsvp_form_token(std::string_view secret, std::string_view alert_id,
                            std::string_view member_id) {
  // The link's HMAC of "{alert}\n{member}" becomes one of "form\n{alert}\n{member}": ids
  // hold no line break, so no link's input is ever a form token's.
  return alerts::rsvp_tag(secret, "form\n" + std::string(alert_id), member_id);
}

bool tokens_equal(std::string_view expected, std::string_view given) {
  return given.size() == expected.size() &&
         CRYPTO_memcmp(expected.data(), given.data(), expected.size()) == 0;
}

}  // namespace tocsin::replies
