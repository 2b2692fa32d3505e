#pragma once
// Which roster column each header cell names, in French or English, however it was typed:
// "Numéro de membre", "NUMERO DE MEMBRE", "No. de membre", "Member #" all mean member_id.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tocsin::members {

enum class Column {
  member_id,
  first_name,
  last_name,
  mobile,
  email,
  language,
  region,
  sector,
  local,
  job_title,
  tags,
};

// The English snake_case name used in reports: "member_id", "mobile", ...
std::string_view column_name(Column column);

struct HeaderMap {
  std::vector<std::optional<Column>> by_index;  // one per header cell
  std::vector<std::string> ignored;             // cells not recognised, as written ("" for empty)
  std::vector<std::string> duplicates;          // a column named again: the first wins
  bool has(Column column) const;
};

// The column a header cell names, if any. Matching folds case and accents (fold()), treats
// # . _ - : / ( ) as spaces, drops apostrophes and a trailing "(s)", and reads "N°" as "no".
std::optional<Column> match_header(std::string_view header);

HeaderMap map_header(const std::vector<std::string>& header_fields);

}  // namespace tocsin::members
