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

// `text` cut to at most `width` columns, ending in "…" when cut (nothing for a width of 0).
std::string fit_width(const std::string& text, size_t width);

// write_columns within `width` columns: the cells of `shrinkable` columns (names, titles),
// the widest first, are cut with "…" (to no fewer than 5 columns) until the table fits, and
// any line still too wide is cut at `width`. Numbers are never cut: put them in columns not
// listed. A width of 0 means no limit.
void write_columns_within(std::ostream& out, const std::vector<TextRow>& rows, size_t width,
                          const std::vector<size_t>& shrinkable);

}  // namespace tocsin
