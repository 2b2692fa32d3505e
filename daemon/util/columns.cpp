#include "util/columns.h"

#include <algorithm>

#include "util/control_characters.h"
#include "util/utf8.h"

namespace tocsin {

namespace {

// Combining marks (U+0300..U+036F and the other diacritic blocks) sit on the character
// before them: "é" typed as e + U+0301, as some systems store names, is one column.
bool is_combining_mark(char32_t cp) {
  return (cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x1AB0 && cp <= 0x1AFF) ||
         (cp >= 0x1DC0 && cp <= 0x1DFF) || (cp >= 0x20D0 && cp <= 0x20FF) ||
         (cp >= 0xFE20 && cp <= 0xFE2F);
}

}  // namespace

size_t display_width(const std::string& text) {
  size_t width = 0;
  for (size_t pos = 0; pos < text.size();) {
    const utf8::Step step = utf8::decode(text, pos);
    // A bad byte is one column: a terminal shows it as one replacement character.
    if (step.length <= 0 || !is_combining_mark(step.code_point)) ++width;
    pos += step.length > 0 ? static_cast<size_t>(step.length) : 1;
  }
  return width;
}

void write_columns(std::ostream& out, const std::vector<TextRow>& shown) {
  // Cells come from stored data (a title, a region) that may predate the checks on input:
  // a control character would recolour the reader's terminal or start a forged row.
  std::vector<TextRow> rows;
  rows.reserve(shown.size());
  for (const TextRow& row : shown) {
    TextRow& escaped = rows.emplace_back();
    for (const std::string& cell : row) escaped.push_back(escape_control_characters(cell));
  }
  std::vector<size_t> widths;
  for (const TextRow& row : rows) {
    if (widths.size() < row.size()) widths.resize(row.size(), 0);
    for (size_t i = 0; i < row.size(); ++i) {
      widths[i] = std::max(widths[i], display_width(row[i]));
    }
  }
  for (const TextRow& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) {
      out << row[i];
      if (i + 1 < row.size()) out << std::string(widths[i] - display_width(row[i]) + 2, ' ');
    }
    out << "\n";
  }
}

}  // namespace tocsin
