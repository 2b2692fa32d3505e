// Fuzzes the check-in code's reader and check (checkin/checkin_code.h): the text comes
// straight from a camera or a coordinator's thumb through POST /v1/alerts/{id}/checkins.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "checkin/checkin_code.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using tocsin::checkin::ScannedCode;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const ScannedCode code = tocsin::checkin::read_code(input);
  const std::string secret(32, 's');
  if (code.kind == ScannedCode::Kind::qr) {
    // Only the tag made with the secret passes.
    const bool valid = tocsin::checkin::tag_matches(secret, code.alert_id, code.member_id, code.tag);
    if (valid != (tocsin::checkin::checkin_tag(secret, code.alert_id, code.member_id) == code.tag)) {
      __builtin_trap();
    }
  } else if (code.kind == ScannedCode::Kind::short_code) {
    if (code.short_code.size() != tocsin::checkin::kShortCodeLength) __builtin_trap();
    for (char c : code.short_code) {
      if (tocsin::checkin::kShortCodeAlphabet.find(c) == std::string_view::npos) __builtin_trap();
    }
  }
  return 0;
}
