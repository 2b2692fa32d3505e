#include "checkin/checkin_code.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <array>
#include <stdexcept>

#include "alerts/rsvp_link.h"

namespace tocsin::checkin {
namespace {

constexpr std::string_view kFragment = "#checkin=";

bool is_tag_character(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

bool is_id_character(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.';
}

char upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

}  // namespace

std::string checkin_tag(std::string_view secret, std::string_view alert_id,
                        std::string_view member_id) {
  // The prefix keeps these tags apart from any other HMAC a secret might be reused for;
  // the newline, which neither id contains, keeps the two ids apart.
  std::string input = "checkin\n";
  input.append(alert_id).push_back('\n');
  input.append(member_id);
  return alerts::hmac_tag(secret, input, kCheckinTagLength);
}

std::string checkin_url(std::string_view public_url, std::string_view alert_id,
                        std::string_view member_id, std::string_view tag) {
  std::string url(public_url);
  while (!url.empty() && url.back() == '/') url.pop_back();
  url += "/";
  url += kFragment;
  url.append(alert_id).push_back('.');
  url.append(member_id).push_back('.');
  url.append(tag);
  return url;
}

ScannedCode read_code(std::string_view text) {
  ScannedCode code;
  // Spaces a scanner or a thumb adds at either end.
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t' || text.front() == '\n' ||
                           text.front() == '\r')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\n' ||
                           text.back() == '\r')) {
    text.remove_suffix(1);
  }
  if (const size_t at = text.find(kFragment); at != std::string_view::npos) {
    text.remove_prefix(at + kFragment.size());
  }
  // alert.member.tag: the alert id has no dot, the tag none either; a member number may.
  const size_t first = text.find('.');
  const size_t last = text.rfind('.');
  if (first != std::string_view::npos && last != first) {
    const auto alert = text.substr(0, first);
    const auto member = text.substr(first + 1, last - first - 1);
    const auto tag = text.substr(last + 1);
    bool ok = !alert.empty() && !member.empty() && tag.size() == kCheckinTagLength &&
              alert.size() <= 64 && member.size() <= 64;
    for (char c : alert) ok = ok && is_tag_character(c);
    for (char c : member) ok = ok && is_id_character(c);
    for (char c : tag) ok = ok && is_tag_character(c);
    if (ok) {
      code.kind = ScannedCode::Kind::qr;
      code.alert_id = alert;
      code.member_id = member;
      code.tag = tag;
    }
    return code;
  }
  std::string typed;
  for (char c : text) {
    if (c == ' ' || c == '-') continue;
    const char u = upper(c);
    if (kShortCodeAlphabet.find(u) == std::string_view::npos) return code;
    typed += u;
  }
  if (typed.size() != kShortCodeLength) return code;
  code.kind = ScannedCode::Kind::short_code;
  code.short_code = std::move(typed);
  return code;
}

bool tag_matches(std::string_view secret, std::string_view alert_id, std::string_view member_id,
                 std::string_view tag) {
  if (secret.empty() || tag.size() != kCheckinTagLength) return false;
  const std::string expected = checkin_tag(secret, alert_id, member_id);
  return CRYPTO_memcmp(expected.data(), tag.data(), kCheckinTagLength) == 0;
}

std::string new_short_code() {
  // Bytes at or above the largest multiple of the alphabet's size are dropped, so every
  // character is equally likely.
  static constexpr unsigned kUnbiasedLimit = 256 - 256 % kShortCodeAlphabet.size();
  std::string code;
  std::array<unsigned char, 16> bytes{};
  // Never all digits: a number typed at the door is a member number (dashboard/checkin.js).
  while (code.size() < kShortCodeLength ||
         code.find_first_not_of("0123456789") == std::string::npos) {
    if (code.size() == kShortCodeLength) code.clear();
    if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
      throw std::runtime_error("the system's random generator failed");
    }
    for (unsigned char byte : bytes) {
      if (byte >= kUnbiasedLimit || code.size() == kShortCodeLength) continue;
      code += kShortCodeAlphabet[byte % kShortCodeAlphabet.size()];
    }
  }
  return code;
}

}  // namespace tocsin::checkin
