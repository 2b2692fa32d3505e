#include "alerts/sms_encoding.h"

#include <algorithm>
#include <array>
#include <unordered_set>

#include "util/utf8.h"

namespace tocsin::alerts {
namespace {

constexpr char32_t kReplacementCharacter = 0xFFFD;

// The non-ASCII characters of the GSM 03.38 basic table, sorted for binary search. Lowercase
// ç is left out on purpose: 0x09 is Ç in the standard, and phones disagree on showing it as ç.
constexpr std::array<char32_t, 39> kGsmBasicNonAscii = {
    0x00A1, 0x00A3, 0x00A4, 0x00A5, 0x00A7, 0x00BF, 0x00C4, 0x00C5, 0x00C6, 0x00C7,
    0x00C9, 0x00D1, 0x00D6, 0x00D8, 0x00DC, 0x00DF, 0x00E0, 0x00E4, 0x00E5, 0x00E6,
    0x00E8, 0x00E9, 0x00EC, 0x00F1, 0x00F2, 0x00F6, 0x00F8, 0x00F9, 0x00FC, 0x0393,
    0x0394, 0x0398, 0x039B, 0x039E, 0x03A0, 0x03A3, 0x03A6, 0x03A8, 0x03A9,
};
static_assert(std::is_sorted(kGsmBasicNonAscii.begin(), kGsmBasicNonAscii.end()));
// With the 86 printable ASCII characters it has, LF and CR: the 127 characters besides ESC.
static_assert(kGsmBasicNonAscii.size() + 86 + 2 == 127);

// Septets a character takes in GSM-7: 1 (basic table), 2 (escape + extension table), or 0
// when it has no GSM-7 form at all.
int gsm_septets(char32_t cp) {
  switch (cp) {
    case U'\f':
    case U'^':
    case U'{':
    case U'}':
    case U'\\':
    case U'[':
    case U'~':
    case U']':
    case U'|':
    case 0x20AC:  // €
      return 2;
    case U'\n':
    case U'\r':
      return 1;
    case U'`':  // printable ASCII, yet absent from the GSM table
      return 0;
    default:
      break;
  }
  if (cp >= 0x20 && cp <= 0x7E) return 1;
  return std::binary_search(kGsmBasicNonAscii.begin(), kGsmBasicNonAscii.end(), cp) ? 1 : 0;
}

// Parts needed for characters of the given widths when no character may straddle two parts.
size_t count_segments(const std::vector<unsigned char>& widths, size_t total, size_t single,
                      size_t per_part) {
  if (total <= single) return 1;
  size_t segments = 1;
  size_t used = 0;
  for (const unsigned char width : widths) {
    if (used + width > per_part) {
      ++segments;
      used = 0;
    }
    used += width;
  }
  return segments;
}

struct Replacement {
  char32_t from;
  std::string_view to;
  bool accent;  // only with fold_accents: it changes the spelling, typography does not
};

// Every target is GSM-7 basic ASCII, so a one-character target costs the same unit in either
// encoding; only "...", "oe" and "OE" make a text longer.
constexpr Replacement kReplacements[] = {
    {0x2019, "'", false},   {0x2018, "'", false},  {0x201C, "\"", false}, {0x201D, "\"", false},
    {0x00AB, "\"", false},  {0x00BB, "\"", false}, {0x2013, "-", false},  {0x2014, "-", false},
    {0x2026, "...", false}, {0x00A0, " ", false},  {0x202F, " ", false},  {0x00E2, "a", true},
    {0x00EA, "e", true},    {0x00EE, "i", true},   {0x00F4, "o", true},   {0x00FB, "u", true},
    {0x00EB, "e", true},    {0x00EF, "i", true},   {0x00FF, "y", true},   {0x00E7, "c", true},
    {0x0153, "oe", true},   {0x0152, "OE", true},  {0x00C0, "A", true},   {0x00C2, "A", true},
    {0x00C8, "E", true},    {0x00CA, "E", true},   {0x00CB, "E", true},   {0x00CE, "I", true},
    {0x00CF, "I", true},    {0x00D4, "O", true},   {0x00D9, "U", true},   {0x00DB, "U", true},
    {0x0178, "Y", true},
};

const Replacement* find_replacement(char32_t cp) {
  for (const Replacement& r : kReplacements) {
    if (r.from == cp) return &r;
  }
  return nullptr;
}

std::string rewrite(std::string_view text, bool fold_accents, bool allow_expansion) {
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  while (pos < text.size()) {
    const utf8::Step step = utf8::decode(text, pos);
    if (step.length <= 0) {
      out += text[pos++];
      continue;
    }
    const Replacement* r = find_replacement(step.code_point);
    if (r != nullptr && (fold_accents || !r->accent) && (allow_expansion || r->to.size() == 1)) {
      out += r->to;
    } else {
      out.append(text.substr(pos, static_cast<size_t>(step.length)));
    }
    pos += static_cast<size_t>(step.length);
  }
  return out;
}

}  // namespace

SmsShape measure_sms(std::string_view utf8_text) {
  // Both widths are kept until the end: one character anywhere decides the encoding.
  std::vector<unsigned char> septets;
  std::vector<unsigned char> utf16_units;
  size_t septet_total = 0;
  size_t utf16_total = 0;
  std::unordered_set<char32_t> seen;
  SmsShape shape;

  size_t pos = 0;
  while (pos < utf8_text.size()) {
    const utf8::Step step = utf8::decode(utf8_text, pos);
    char32_t cp = kReplacementCharacter;
    std::string_view bytes;
    if (step.length > 0) {
      cp = step.code_point;
      bytes = utf8_text.substr(pos, static_cast<size_t>(step.length));
      pos += static_cast<size_t>(step.length);
    } else {
      ++pos;  // a stray or cut-short byte stands for one U+FFFD
    }
    const int gsm = gsm_septets(cp);
    const int utf16 = cp >= 0x10000 ? 2 : 1;
    septets.push_back(static_cast<unsigned char>(gsm));
    utf16_units.push_back(static_cast<unsigned char>(utf16));
    septet_total += static_cast<size_t>(gsm);
    utf16_total += static_cast<size_t>(utf16);
    if (gsm == 0 && seen.insert(cp).second) {
      std::string character;
      if (bytes.empty()) {
        utf8::append(character, cp);
      } else {
        character = bytes;
      }
      shape.non_gsm_characters.push_back(std::move(character));
    }
  }

  if (shape.non_gsm_characters.empty()) {
    shape.encoding = SmsEncoding::gsm7;
    shape.units = septet_total;
    shape.segments = count_segments(septets, septet_total, kGsm7SingleSeptets, kGsm7PartSeptets);
  } else {
    shape.encoding = SmsEncoding::ucs2;
    shape.units = utf16_total;
    shape.segments = count_segments(utf16_units, utf16_total, kUcs2SingleUnits, kUcs2PartUnits);
  }
  return shape;
}

std::string make_gsm_friendly(std::string_view utf8_text, bool fold_accents) {
  const SmsShape before = measure_sms(utf8_text);
  if (before.encoding == SmsEncoding::gsm7) return std::string(utf8_text);
  std::string full = rewrite(utf8_text, fold_accents, true);
  const SmsShape after = measure_sms(full);
  if (after.encoding == SmsEncoding::gsm7 && after.segments <= before.segments) return full;
  // Still UCS-2, or dearer in GSM-7: one-for-one replacements leave every unit and surrogate
  // pair where it was, so the cost cannot change.
  return rewrite(utf8_text, fold_accents, false);
}

std::string_view name(SmsEncoding encoding) {
  return encoding == SmsEncoding::gsm7 ? "gsm7" : "ucs2";
}

}  // namespace tocsin::alerts
