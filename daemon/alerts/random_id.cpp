#include "alerts/random_id.h"

#include <openssl/rand.h>

#include <array>
#include <stdexcept>
#include <string_view>

namespace tocsin::alerts {

std::string random_id(size_t length) {
  static constexpr std::string_view kAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  // 252 = 7 * 36: bytes at or above it are dropped, so every character is equally likely.
  static constexpr unsigned kUnbiasedLimit = 256 - 256 % kAlphabet.size();
  std::string id;
  id.reserve(length);
  std::array<unsigned char, 32> bytes{};
  while (id.size() < length) {
    if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
      throw std::runtime_error("the system's random generator failed");
    }
    for (unsigned char byte : bytes) {
      if (byte >= kUnbiasedLimit || id.size() == length) continue;
      id += kAlphabet[byte % kAlphabet.size()];
    }
  }
  return id;
}

}  // namespace tocsin::alerts
