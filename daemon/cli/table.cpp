#include "cli/table.h"

#include <algorithm>

namespace tocsin::cli {

void print_table(std::ostream& out, const Rows& rows) {
  size_t width = 0;
  for (const auto& row : rows) width = std::max(width, row.first.size());
  for (const auto& [key, value] : rows) {
    out << key << std::string(width - key.size() + 2, ' ') << value << "\n";
  }
}

}  // namespace tocsin::cli
