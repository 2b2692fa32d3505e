#include "util/columns.h"

#include <algorithm>

#include "util/control_characters.h"

namespace tocsin {

size_t display_width(const std::string& text) {
  return static_cast<size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
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
