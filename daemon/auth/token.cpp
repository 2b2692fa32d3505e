#include "auth/token.h"

#include "auth/auth_keys.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <stdexcept>
#include <vector>

namespace tocsin::auth {

std::string random_base64url(size_t bytes) {
  std::vector<unsigned char> random(bytes);
  if (RAND_bytes(random.data(), static_cast<int>(random.size())) != 1) {
    throw std::runtime_error("the system's random generator failed");
  }
  // EVP_EncodeBlock writes standard Base64; turn it into unpadded base64url so the value
  // survives URLs, shells, cookies and HTTP headers unquoted.
  std::vector<unsigned char> encoded(4 * ((bytes + 2) / 3) + 1);
  const int length =
      EVP_EncodeBlock(encoded.data(), random.data(), static_cast<int>(random.size()));
  std::string out;
  for (int i = 0; i < length; ++i) {
    const char c = static_cast<char>(encoded[i]);
    if (c == '=') break;
    out += c == '+' ? '-' : c == '/' ? '_' : c;
  }
  return out;
}

std::string generate_token() {
  return "tcs_" + random_base64url(32);
}

std::string hash_token(std::string_view token) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  EVP_Digest(token.data(), token.size(), digest.data(), &length, EVP_sha256(), nullptr);
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 0xf];
  }
  return out;
}

std::string token_id(std::string_view token) {
  return hash_token(token).substr(0, 16);
}

std::string token_key(std::string_view token) {
  return keys::token(hash_token(token));
}

}  // namespace tocsin::auth
