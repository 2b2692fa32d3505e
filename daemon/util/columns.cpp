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

std::string fit_width(const std::string& text, size_t width) {
  if (display_width(text) <= width) return text;
  if (width == 0) return "";
  std::string cut;
  size_t used = 0;
  for (size_t pos = 0; pos < text.size();) {
    const utf8::Step step = utf8::decode(text, pos);
    const size_t length = step.length > 0 ? static_cast<size_t>(step.length) : 1;
    const bool takes_a_column = step.length <= 0 || !is_combining_mark(step.code_point);
    if (takes_a_column && used + 1 > width - 1) break;  // room for "…"
    cut.append(text, pos, length);
    if (takes_a_column) ++used;
    pos += length;
  }
  return cut + "…";
}

namespace {

// Cells come from stored data (a title, a region) that may predate the checks on input:
// a control character would recolour the reader's terminal or start a forged row.
std::vector<TextRow> escaped_rows(const std::vector<TextRow>& shown) {
  std::vector<TextRow> rows;
  rows.reserve(shown.size());
  for (const TextRow& row : shown) {
    TextRow& escaped = rows.emplace_back();
    for (const std::string& cell : row) escaped.push_back(escape_control_characters(cell));
  }
  return rows;
}

std::vector<size_t> column_widths(const std::vector<TextRow>& rows) {
  std::vector<size_t> widths;
  for (const TextRow& row : rows) {
    if (widths.size() < row.size()) widths.resize(row.size(), 0);
    for (size_t i = 0; i < row.size(); ++i) {
      widths[i] = std::max(widths[i], display_width(row[i]));
    }
  }
  return widths;
}

// Lines as write_columns lays them out: two spaces between columns, no trailing spaces.
std::vector<std::string> lay_out(const std::vector<TextRow>& rows) {
  const std::vector<size_t> widths = column_widths(rows);
  std::vector<std::string> lines;
  for (const TextRow& row : rows) {
    std::string& line = lines.emplace_back();
    for (size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(widths[i] - display_width(row[i]) + 2, ' ');
    }
  }
  return lines;
}

// The width of the widest line of `widths` laid out: the cells and two spaces between.
size_t table_width(const std::vector<size_t>& widths) {
  size_t total = 0;
  for (size_t width : widths) total += width;
  return widths.empty() ? 0 : total + 2 * (widths.size() - 1);
}

}  // namespace

void write_columns(std::ostream& out, const std::vector<TextRow>& shown) {
  for (const std::string& line : lay_out(escaped_rows(shown))) out << line << "\n";
}

void write_columns_within(std::ostream& out, const std::vector<TextRow>& shown, size_t width,
                          const std::vector<size_t>& shrinkable) {
  std::vector<TextRow> rows = escaped_rows(shown);
  if (width > 0) {
    constexpr size_t kNarrowest = 5;  // "Total", "Mont…"
    std::vector<size_t> widths = column_widths(rows);
    // One column at a time, the widest shrinkable one, a column less each step.
    while (table_width(widths) > width) {
      size_t widest = widths.size();
      for (size_t column : shrinkable) {
        if (column < widths.size() && widths[column] > kNarrowest &&
            (widest == widths.size() || widths[column] > widths[widest])) {
          widest = column;
        }
      }
      if (widest == widths.size()) break;
      --widths[widest];
    }
    for (TextRow& row : rows) {
      for (size_t column : shrinkable) {
        if (column < row.size()) row[column] = fit_width(row[column], widths[column]);
      }
    }
  }
  for (const std::string& line : lay_out(rows)) {
    out << (width > 0 ? fit_width(line, width) : line) << "\n";
  }
}

}  // namespace tocsin
