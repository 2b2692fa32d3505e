#include "alerts/rsvp_link.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <stdexcept>

namespace tocsin::alerts {

std::string hmac_tag(std::string_view secret, std::string_view input, size_t characters) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(input.data()), input.size(), digest.data(), &length);
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  // Six bits of the digest per character, from its first bit on.
  std::string tag;
  for (size_t i = 0; i < std::min<size_t>(characters, 42); ++i) {
    const size_t bit = 6 * i;
    const unsigned value = (static_cast<unsigned>(digest[bit / 8]) << 8) | digest[bit / 8 + 1];
    tag += kAlphabet[(value >> (10 - bit % 8)) & 63];
  }
  return tag;
}

std::string rsvp_tag(std::string_view secret, std::string_view alert_id,
                     std::string_view member_id) {
  // A separator that ids cannot contain keeps ("a1", "2") and ("a", "12") apart.
  std::string input;
  input.reserve(alert_id.size() + member_id.size() + 1);
  input.append(alert_id).push_back('\n');
  input.append(member_id);
  return hmac_tag(secret, input, kRsvpTagLength);  // 60 bits
}

std::string rsvp_link(std::string_view public_url, std::string_view alert_code,
                      std::string_view tag) {
  std::string link(public_url);
  while (!link.empty() && link.back() == '/') link.pop_back();
  link += "/r/";
  link += alert_code;
  link += '.';
  link += tag;
  return link;
}

std::string new_rsvp_secret() {
  std::string secret(32, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(secret.data()), 32) != 1) {
    throw std::runtime_error("the system's random generator failed");
  }
  return secret;
}

}  // namespace tocsin::alerts
