#pragma once
// Control characters (C0, DEL and C1: Unicode category Cc) in text that people typed and
// other people will read. Stored in an alert title they would reach a terminal as they are:
// `\u001b[31m` recolours an officer's screen, a line break forges a row of `tocsin alert
// list`. Free text is refused with one of them; what is printed escapes them. No I/O.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace tocsin {

struct ControlCharacter {
  char32_t code_point = 0;  // U+0000..U+001F, U+007F, U+0080..U+009F
  size_t position = 0;      // 1-based, in characters (code points), as an editor counts
};

// Where line breaks are part of the text (an SMS, an email body): "\n" and "\r\n" pass.
enum class LineBreaks { refused, allowed };

// The first control character of UTF-8 `text`, if any.
std::optional<ControlCharacter> find_control_character(
    std::string_view text, LineBreaks line_breaks = LineBreaks::refused);

// "contains a control character (U+001B) at position 3": the reason given with the field.
std::string describe(const ControlCharacter& found);

// `text` with each control character written as \u001b (JSON's notation), for a terminal;
// everything else, backslashes included, as it is.
std::string escape_control_characters(std::string_view text);

}  // namespace tocsin
