#include "members/audience.h"

#include <algorithm>

#include "members/member_keys.h"

namespace tocsin::members {
namespace {

// What may stand unquoted after "dimension:"; must match the parser's bare words.
bool is_bare_char(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c >= 0x80;
}

std::string value_text(const std::string& value) {
  bool bare = !value.empty() && std::all_of(value.begin(), value.end(), [](char c) {
    return is_bare_char(static_cast<unsigned char>(c));
  });
  if (bare) return value;
  std::string quoted = "\"";
  for (char c : value) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

// An operand of `parent`: parenthesized only where precedence demands it.
std::string operand_text(const AudienceExpr& child, AudienceExpr::Kind parent) {
  using Kind = AudienceExpr::Kind;
  bool needs_parens = (child.kind == Kind::or_ && parent != Kind::or_) ||
                      (child.kind == Kind::and_ && parent == Kind::not_);
  std::string text = to_string(child);
  return needs_parens ? "(" + text + ")" : text;
}

void collect_terms(const AudienceExpr& expr,
                   std::vector<std::pair<std::string, std::string>>& out) {
  if (expr.kind == AudienceExpr::Kind::term) {
    std::pair<std::string, std::string> term{expr.dimension, expr.value};
    if (std::find(out.begin(), out.end(), term) == out.end()) out.push_back(std::move(term));
    return;
  }
  for (const auto& child : expr.children) collect_terms(child, out);
}

}  // namespace

std::string to_string(const AudienceExpr& expr) {
  using Kind = AudienceExpr::Kind;
  switch (expr.kind) {
    case Kind::all:
      return "all";
    case Kind::term:
      return expr.dimension + ":" + value_text(expr.value);
    case Kind::not_:
      return "NOT " + operand_text(expr.children.at(0), Kind::not_);
    case Kind::and_:
    case Kind::or_: {
      std::string text;
      for (const auto& child : expr.children) {
        if (!text.empty()) text += expr.kind == Kind::and_ ? " AND " : " OR ";
        text += operand_text(child, expr.kind);
      }
      return text;
    }
  }
  return {};
}

std::vector<std::pair<std::string, std::string>> terms(const AudienceExpr& expr) {
  std::vector<std::pair<std::string, std::string>> out;
  collect_terms(expr, out);
  return out;
}

std::string index_key(std::string_view dimension, std::string_view folded_value) {
  return keys::audience_term(dimension, folded_value);
}

}  // namespace tocsin::members
