#pragma once
// What an alert text costs as SMS (3GPP TS 23.038): which encoding it needs, how many units
// and segments, and which characters pushed it out of GSM-7; and a rewrite that keeps French
// text readable while landing it in GSM-7. Gateways bill and rate-limit in segments, so the
// numbers here drive cost estimates and blast durations. No I/O.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace tocsin::alerts {

enum class SmsEncoding { gsm7, ucs2 };

// Segment sizes: a concatenated part loses room to its 6-byte user data header.
inline constexpr size_t kGsm7SingleSeptets = 160;
inline constexpr size_t kGsm7PartSeptets = 153;
inline constexpr size_t kUcs2SingleUnits = 70;
inline constexpr size_t kUcs2PartUnits = 67;

struct SmsShape {
  SmsEncoding encoding = SmsEncoding::gsm7;
  // Septets for GSM-7 (extension-table characters count 2), UTF-16 code units for UCS-2.
  size_t units = 0;
  // Always at least 1: a gateway bills an empty SMS as one segment. Rejecting empty text
  // is the caller's job (units == 0).
  size_t segments = 1;
  // Distinct characters that forced UCS-2, as UTF-8, in order of first appearance. Invalid
  // UTF-8 bytes appear once as U+FFFD.
  std::vector<std::string> non_gsm_characters;
};

// Every invalid UTF-8 byte counts as one character outside GSM-7 (U+FFFD, one UCS-2 unit).
// A part never ends between the escape and the character of an extension pair (that part
// holds 152 septets), nor between the halves of a surrogate pair (that part holds 66 units).
SmsShape measure_sms(std::string_view utf8_text);

// Always replaces typography that GSM-7 lacks: ’ ‘ → ', “ ” « » → ", – — → -, … → ...,
// no-break spaces (U+00A0, U+202F) → space. With fold_accents, also folds French letters
// outside GSM-7 to their base (â→a, ç→c, œ→oe, Ê→E…); é è à ù É Ç are in GSM-7 and stay.
// The rewrite never costs more segments than the original: when the result would still be
// UCS-2, or would cost more in GSM-7 (a text of many '…'), only the one-for-one replacements
// are made, since the expanding ones (… → ..., œ → oe) would only add units. Text already
// in GSM-7 comes back unchanged; invalid UTF-8 bytes are kept as they are.
std::string make_gsm_friendly(std::string_view utf8_text, bool fold_accents);

std::string_view name(SmsEncoding encoding);

}  // namespace tocsin::alerts
