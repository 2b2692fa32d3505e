#include "members/audience_predicate.h"

#include <algorithm>

namespace tocsin::members {
namespace {

using Kind = AudienceExpr::Kind;

size_t term_number(const std::vector<std::pair<std::string, std::string>>& terms,
                   const AudienceExpr& term) {
  std::pair<std::string, std::string> wanted{term.dimension, term.value};
  return static_cast<size_t>(std::find(terms.begin(), terms.end(), wanted) - terms.begin());
}

void emit(const AudienceExpr& expr, const std::vector<std::pair<std::string, std::string>>& terms,
          std::vector<std::string>& out) {
  switch (expr.kind) {
    case Kind::all:
      out.push_back("*");
      return;
    case Kind::term:
      out.push_back("t" + std::to_string(term_number(terms, expr) + 1));
      return;
    case Kind::not_:
      emit(expr.children.at(0), terms, out);
      out.push_back("!");
      return;
    case Kind::and_:
    case Kind::or_:
      for (const auto& child : expr.children) emit(child, terms, out);
      out.push_back((expr.kind == Kind::and_ ? "&" : "|") + std::to_string(expr.children.size()));
      return;
  }
}

}  // namespace

std::vector<std::string> compile_predicate(const AudienceExpr& expr) {
  std::vector<std::string> program;
  emit(expr, terms(expr), program);
  return program;
}

std::vector<size_t> conjunct_terms(const AudienceExpr& expr) {
  const auto list = terms(expr);
  if (expr.kind == Kind::term) return {term_number(list, expr)};
  std::vector<size_t> out;
  if (expr.kind != Kind::and_) return out;
  for (const auto& child : expr.children) {
    if (child.kind != Kind::term) continue;
    const size_t k = term_number(list, child);
    if (std::find(out.begin(), out.end(), k) == out.end()) out.push_back(k);
  }
  return out;
}

std::optional<size_t> choose_driver(const std::vector<size_t>& candidates,
                                    const std::vector<int64_t>& sizes) {
  if (candidates.empty() || sizes.size() != candidates.size()) return std::nullopt;
  const auto smallest = std::min_element(sizes.begin(), sizes.end()) - sizes.begin();
  return candidates[static_cast<size_t>(smallest)];
}

}  // namespace tocsin::members
