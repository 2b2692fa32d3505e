#pragma once
// Plain-text tables for people (the CLI, previews): columns left-aligned, two spaces apart,
// widths counted in characters rather than bytes, so French text lines up. No I/O beyond
// the stream given.

#include <ostream>
#include <string>
#include <vector>

namespace tocsin {

using TextRow = std::vector<std::string>;

// Rows may have different lengths; trailing spaces are not written. Control characters
// in cells are written escaped (\u001b), never raw.
void write_columns(std::ostream& out, const std::vector<TextRow>& rows);

// Columns text takes on a terminal: one per UTF-8 character (code point), none for a
// combining accent, one per byte that is not valid UTF-8. East Asian wide characters and
// emoji, which take two, are not told apart: the CLI's tables hold French and English.
size_t display_width(const std::string& text);

}  // namespace tocsin
