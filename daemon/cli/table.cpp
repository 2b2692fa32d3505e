#include "cli/table.h"

#include "util/columns.h"

namespace tocsin::cli {

void print_table(std::ostream& out, const Rows& rows) {
  std::vector<TextRow> columns;
  columns.reserve(rows.size());
  for (const auto& [key, value] : rows) columns.push_back({key, value});
  write_columns(out, columns);
}

}  // namespace tocsin::cli
