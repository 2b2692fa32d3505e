#pragma once
// Audience expressions: who receives an alert, written by an officer on the command line or
// in an alert file, e.g.
//   region:estrie AND (sector:sante OR tag:mob-unit) AND NOT local:1234
//   all
// Grammar (keywords and dimension names are case- and accent-insensitive):
//   expr  := or
//   or    := and (OR and)*              OR  = OU
//   and   := unary (AND unary)*         AND = ET    (AND binds tighter than OR)
//   unary := NOT unary | '(' expr ')' | term        NOT = NON
//   term  := 'all' | dimension ':' value            all = tous
//   dimension := region | sector | local | tag      région, secteur, étiquette
//   value := bare word (letters, UTF-8 included, digits, - _ .) | "double-quoted string"
// Values are kept folded (text_fold.h), like the keys of the member indexes they name.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tocsin::members {

struct AudienceExpr {
  enum class Kind { all, term, and_, or_, not_ };

  Kind kind = Kind::all;
  std::string dimension;  // term: "region", "sector", "local" or "tag"
  std::string value;      // term: folded
  // and_/or_: two or more operands (nested ANDs and ORs are flattened); not_: one.
  std::vector<AudienceExpr> children;

  bool operator==(const AudienceExpr&) const = default;
};

// Limits, so one request cannot make Redis evaluate an unbounded program.
inline constexpr size_t kMaxAudienceBytes = 2000;
inline constexpr size_t kMaxAudienceDepth = 32;
inline constexpr size_t kMaxAudienceTerms = 200;

// On failure returns nullopt and sets *error (when not null) to
// "column N: reason", N counting characters (not bytes) from 1.
std::optional<AudienceExpr> parse_audience(std::string_view text, std::string* error = nullptr);

// Canonical text: English keywords, folded values, the fewest parentheses; parse_audience
// gives the same tree back.
std::string to_string(const AudienceExpr& expr);

// The distinct (dimension, value) pairs of the expression's terms, in order of appearance.
std::vector<std::pair<std::string, std::string>> terms(const AudienceExpr& expr);

// The Redis SET that indexes one term: ("region", "estrie") -> "aud:region:estrie".
std::string index_key(std::string_view dimension, std::string_view folded_value);

}  // namespace tocsin::members
