#include "util/control_characters.h"

#include <cstdio>

namespace tocsin {
namespace {

bool is_continuation(unsigned char byte) {
  return (byte & 0xC0) == 0x80;
}

// The control character starting at text[i] and its length in bytes, or 0 when none does.
// C0 and DEL are single bytes that UTF-8 never uses inside a longer sequence; C1 is
// U+0080..U+009F, encoded C2 80..C2 9F.
size_t control_at(std::string_view text, size_t i, char32_t* code_point) {
  const auto byte = static_cast<unsigned char>(text[i]);
  if (byte < 0x20 || byte == 0x7F) {
    *code_point = byte;
    return 1;
  }
  if (byte == 0xC2 && i + 1 < text.size()) {
    const auto next = static_cast<unsigned char>(text[i + 1]);
    if (next >= 0x80 && next <= 0x9F) {
      *code_point = next;
      return 2;
    }
  }
  return 0;
}

}  // namespace

std::optional<ControlCharacter> find_control_character(std::string_view text,
                                                       LineBreaks line_breaks) {
  size_t position = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (!is_continuation(static_cast<unsigned char>(text[i]))) ++position;
    char32_t code_point = 0;
    if (control_at(text, i, &code_point) == 0) continue;
    if (line_breaks == LineBreaks::allowed) {
      if (code_point == '\n') continue;
      if (code_point == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;
    }
    return ControlCharacter{code_point, position};
  }
  return std::nullopt;
}

std::string describe(const ControlCharacter& found) {
  char code[8];
  std::snprintf(code, sizeof code, "%04X", static_cast<unsigned>(found.code_point));
  return "contains a control character (U+" + std::string(code) + ") at position " +
         std::to_string(found.position);
}

std::string escape_control_characters(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    char32_t code_point = 0;
    const size_t length = control_at(text, i, &code_point);
    if (length == 0) {
      out += text[i++];
      continue;
    }
    char escaped[8];
    std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned>(code_point));
    out += escaped;
    i += length;
  }
  return out;
}

}  // namespace tocsin
