#pragma once
// A member's personal check-in code, in two forms (daemon/checkin/README.md):
//   - the QR code's payload, a console URL a phone's camera app opens:
//       <http.public_url>/#checkin=<alert id>.<member id>.<tag>
//     the tag an HMAC-SHA256 of the alert and member ids under a secret kept in Redis
//     (kCheckinSecretKey), so a code cannot be forged nor moved to another alert or member;
//   - a short code for the SMS ("K7P2QX"), drawn at random from kShortCodeAlphabet and kept
//     per alert in Redis (checkin_store.h): it means something only within its alert.
// Neither grants anything alone: a coordinator signed in to the console scans or types it.
// Pure.

#include <cstddef>
#include <string>
#include <string_view>

namespace tocsin::checkin {

inline constexpr size_t kCheckinTagLength = 16;  // base64url characters: 96 bits

// No 0/O, 1/I/L nor U/V pairs to misread at dawn on a cracked phone screen: 30 characters,
// so a 6-character code is one of 729 million.
inline constexpr std::string_view kShortCodeAlphabet = "23456789ABCDEFGHJKMNPQRSTVWXYZ";
inline constexpr size_t kShortCodeLength = 6;

// kCheckinTagLength characters of base64url.
std::string checkin_tag(std::string_view secret, std::string_view alert_id,
                        std::string_view member_id);

// "<public_url>/#checkin=<alert>.<member>.<tag>".
std::string checkin_url(std::string_view public_url, std::string_view alert_id,
                        std::string_view member_id, std::string_view tag);

// What a scanned or typed code says, before anything is looked up.
struct ScannedCode {
  enum class Kind {
    qr,          // alert_id, member_id and tag set
    short_code,  // short_code set, upper case, without spaces or dashes
    malformed,   // neither
  };
  Kind kind = Kind::malformed;
  std::string alert_id;
  std::string member_id;
  std::string tag;
  std::string short_code;
};

// Reads the QR payload (the whole URL, its "#checkin=..." fragment, or "alert.member.tag")
// or a short code as a person types it ("k7p 2qx", "K7P-2QX").
ScannedCode read_code(std::string_view text);

// Whether `tag` is the tag of this alert and member, compared in constant time; false
// without a secret.
bool tag_matches(std::string_view secret, std::string_view alert_id, std::string_view member_id,
                 std::string_view tag);

// kShortCodeLength characters of kShortCodeAlphabet from the OS CSPRNG, uniformly drawn
// among those with a letter (a code of digits only would read as a member number).
// Throws std::runtime_error when the random generator fails.
std::string new_short_code();

}  // namespace tocsin::checkin
