#include "auth/one_time_code.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <array>
#include <stdexcept>

#include "auth/token.h"

namespace tocsin::auth {
namespace {

void random_bytes(unsigned char* out, size_t size) {
  if (RAND_bytes(out, static_cast<int>(size)) != 1) {
    throw std::runtime_error("the system's random generator failed");
  }
}

}  // namespace

std::string generate_code() {
  // Rejection sampling: 2^32 is not a multiple of 10^6, so values at or above the largest
  // multiple are drawn again instead of folded (which would favour low codes).
  constexpr uint32_t range = 1'000'000;
  constexpr uint32_t limit = UINT32_MAX - (UINT32_MAX % range);
  uint32_t value = 0;
  do {
    std::array<unsigned char, 4> bytes{};
    random_bytes(bytes.data(), bytes.size());
    value = (uint32_t{bytes[0]} << 24) | (uint32_t{bytes[1]} << 16) | (uint32_t{bytes[2]} << 8) |
            uint32_t{bytes[3]};
  } while (value >= limit);
  std::string code = std::to_string(value % range);
  return std::string(kCodeDigits - code.size(), '0') + code;
}

std::string generate_salt() {
  std::array<unsigned char, 16> bytes{};
  random_bytes(bytes.data(), bytes.size());
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char byte : bytes) {
    out += hex[byte >> 4];
    out += hex[byte & 0xf];
  }
  return out;
}

std::string hash_code(std::string_view salt, std::string_view code) {
  std::string input(salt);
  input += ':';
  input += code;
  return hash_token(input);
}

bool is_code_format(std::string_view text) {
  if (text.size() != kCodeDigits) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

CodeVerdict judge_code(const CodeAttempt& stored, std::string_view code, int64_t now_ms) {
  if (stored.attempt > kAttemptsPerCode) return CodeVerdict::exhausted;
  if (now_ms >= stored.expires_at_ms) return CodeVerdict::expired;
  const std::string given = hash_code(stored.salt, code);
  // Both are 64 hex digits when the record is sound; a damaged record matches nothing.
  const bool same = given.size() == stored.hash.size() &&
                    CRYPTO_memcmp(given.data(), stored.hash.data(), given.size()) == 0;
  return same ? CodeVerdict::accepted : CodeVerdict::wrong;
}

}  // namespace tocsin::auth
