#pragma once
// Turns one CSV record of a roster into a Member, and says what in it could not be used.
// Pure: no I/O, so every rule is unit-tested directly.

#include <optional>
#include <string>
#include <vector>

#include "members/csv_reader.h"
#include "members/roster_header.h"
#include "proto/tocsin.pb.h"

namespace tocsin::members {

struct RowOutcome {
  std::optional<Member> member;  // nullopt: the row is rejected
  std::vector<ImportProblem> problems;
};

// `default_region` is the phone region for numbers written without a country code ("CA").
RowOutcome parse_roster_row(const CsvRecord& record, const HeaderMap& header,
                            const std::string& default_region);

// One problem for the import report; `column` is empty for the whole row.
ImportProblem make_import_problem(int64_t line, std::string column, std::string reason,
                                  bool rejected);

// "fr" or "en" from what people write in a language column ("Français", "anglais", "EN").
// Empty input gives "fr"; unknown input gives nullopt.
std::optional<std::string> normalize_language(const std::string& raw);

// Tags as written, split on commas, semicolons, pipes and slashes, trimmed, de-duplicated
// by their folded form.
std::vector<std::string> split_tags(const std::string& raw);

}  // namespace tocsin::members
