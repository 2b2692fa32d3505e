#pragma once
// One-time sign-in codes (README.md, "Accounts and sign-in"): 6 digits from
// the OS CSPRNG, stored only as a salted SHA-256, compared in constant time, judged by a
// pure rule so the limits can be tested without Redis. Pure apart from the random source.

#include <cstdint>
#include <string>
#include <string_view>

namespace tocsin::auth {

inline constexpr int kCodeDigits = 6;
inline constexpr int64_t kCodeLifetimeMs = 10 * 60 * 1000;
// Wrong codes a code survives: the attempt that reaches this number is judged, then the
// code is gone whatever the outcome.
inline constexpr int kAttemptsPerCode = 5;

// Six decimal digits, uniformly drawn ("004217" is as likely as "999999").
std::string generate_code();
// Sixteen random bytes as hex, to salt one code's hash.
std::string generate_salt();
// Lowercase hex SHA-256 of salt ":" code. A salt per code keeps two accounts' equal codes
// from having equal hashes; a 6-digit code is no secret against someone holding the hash
// and time to try a million values, which is why it lives 10 minutes and 5 guesses.
std::string hash_code(std::string_view salt, std::string_view code);
// Exactly six ASCII digits.
bool is_code_format(std::string_view text);

// A stored code as one attempt sees it, once the attempt has been counted.
struct CodeAttempt {
  int attempt = 0;            // this attempt's number, 1 for the first (0: not counted)
  int64_t expires_at_ms = 0;  // when the code stops being good
  std::string hash;           // hash_code(salt, code)
  std::string salt;
};

enum class CodeVerdict {
  accepted,   // the right code, in time, within the attempts
  wrong,      // not the code
  expired,    // past expires_at_ms (a right code too)
  exhausted,  // past kAttemptsPerCode: not even compared
};

// Judges `code` against the stored one at `now_ms`. Compares in constant time.
CodeVerdict judge_code(const CodeAttempt& stored, std::string_view code, int64_t now_ms);

}  // namespace tocsin::auth
