#pragma once
// The project's one UTF-8 decoder: a step at a time, strict per Unicode table 3-7 (no
// overlong forms, no surrogates, nothing above U+10FFFF), so every reader of outside text
// (roster import, reply parsing, SMS encoding, JSON and MIME output, CLI column widths)
// agrees on what is a character and what is a bad byte. Header-only: it sits in the inner
// loops of the roster import and the reply parser.

#include <cstddef>
#include <string>
#include <string_view>

namespace tocsin::utf8 {

struct Step {
  char32_t code_point = 0;
  // > 0: bytes consumed by a valid sequence. 0: invalid at this position (skip one byte).
  // < 0: a valid beginning cut short by the end of the input.
  int length = 0;
};

inline Step decode(std::string_view s, size_t pos) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char lead = byte(pos);
  if (lead < 0x80) return {lead, 1};
  int need = 0;
  char32_t cp = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (lead >= 0xC2 && lead <= 0xDF) {
    need = 1, cp = lead & 0x1F;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    need = 2, cp = lead & 0x0F;
    if (lead == 0xE0) lo = 0xA0;  // overlong
    if (lead == 0xED) hi = 0x9F;  // surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    need = 3, cp = lead & 0x07;
    if (lead == 0xF0) lo = 0x90;  // overlong
    if (lead == 0xF4) hi = 0x8F;  // above U+10FFFF
  } else {
    return {0, 0};  // a continuation byte without a lead, C0, C1, F5..FF
  }
  for (int k = 1; k <= need; ++k) {
    if (pos + k >= s.size()) return {0, -1};
    const unsigned char b = byte(pos + k);
    if (k == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF)) return {0, 0};
    cp = (cp << 6) | (b & 0x3F);
  }
  return {cp, need + 1};
}

// Bytes to step over at `pos`: the valid sequence there, else the one bad byte. Never 0,
// so a loop over any input ends.
inline size_t step_over(std::string_view s, size_t pos) {
  const int length = decode(s, pos).length;
  return length > 0 ? static_cast<size_t>(length) : 1;
}

// Appends a code point (at most U+10FFFF, no surrogate) as UTF-8.
inline void append(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

}  // namespace tocsin::utf8
