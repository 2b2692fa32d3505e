#pragma once
// Human output: a two-column "key  value" table, aligned by display width (util/columns),
// so "Région" lines up with "Status"; control characters are written escaped, never raw.

#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace tocsin::cli {

using Rows = std::vector<std::pair<std::string, std::string>>;

void print_table(std::ostream& out, const Rows& rows);

}  // namespace tocsin::cli
