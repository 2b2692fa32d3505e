#include "alerts/rsvp_link.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <array>
#include <stdexcept>

namespace tocsin::alerts {

std::string rsvp_tag(std::string_view secret, std::string_view alert_id,
                     std::string_view member_id) {
  // A separator that ids cannot contain keeps ("a1", "2") and ("a", "12") apart.
  std::string input;
  input.reserve(alert_id.size() + member_id.size() + 1);
  input.append(alert_id).push_back('\n');
  input.append(member_id);
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(input.data()), input.size(), digest.data(), &length);
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  // Six bits of the digest per character: 10 characters use the first 60 bits.
  std::string tag;
  uint64_t bits = 0;
  for (int i = 0; i < 8; ++i) bits = (bits << 8) | digest[i];
  for (size_t i = 0; i < kRsvpTagLength; ++i) tag += kAlphabet[(bits >> (58 - 6 * i)) & 63];
  return tag;
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
