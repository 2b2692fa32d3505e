#include "auth/token.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <stdexcept>

namespace tocsin::auth {

std::string generate_token() {
  std::array<unsigned char, 32> random{};
  if (RAND_bytes(random.data(), static_cast<int>(random.size())) != 1) {
    throw std::runtime_error("the system's random generator failed");
  }
  // EVP_EncodeBlock writes standard Base64; turn it into unpadded base64url so the token
  // survives URLs, shells and HTTP headers unquoted.
  std::array<unsigned char, 4 * ((32 + 2) / 3) + 1> encoded{};
  const int length = EVP_EncodeBlock(encoded.data(), random.data(), random.size());
  std::string token = "tcs_";
  for (int i = 0; i < length; ++i) {
    const char c = static_cast<char>(encoded[i]);
    if (c == '=') break;
    token += c == '+' ? '-' : c == '/' ? '_' : c;
  }
  return token;
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
  return "token:" + hash_token(token);
}

}  // namespace tocsin::auth
