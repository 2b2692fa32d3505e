#include "members/audience_predicate.h"

#include <algorithm>
#include <charconv>

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

namespace {

struct Op {
  char code;     // 't' term, '*' true, '!' not, '&' and, '|' or
  size_t n = 0;  // the term (from 1), or the operands of '&' and '|'
};

// The tokens as ops; nullopt for a token that is none (or a term outside `terms`), or a
// program that does not leave exactly one value.
std::optional<std::vector<Op>> parse_program(const std::vector<std::string>& program,
                                             size_t terms) {
  std::vector<Op> ops;
  size_t depth = 0;
  for (const std::string& token : program) {
    if (token.empty()) return std::nullopt;
    Op op{token[0]};
    if (op.code == 't' || op.code == '&' || op.code == '|') {
      const char* end = token.data() + token.size();
      auto [at, error] = std::from_chars(token.data() + 1, end, op.n);
      if (error != std::errc() || at != end) return std::nullopt;
    }
    switch (op.code) {
      case 't':
        if (op.n == 0 || op.n > terms) return std::nullopt;
        ++depth;
        break;
      case '*':
        if (token.size() != 1) return std::nullopt;
        ++depth;
        break;
      case '!':
        if (token.size() != 1 || depth == 0) return std::nullopt;
        break;
      case '&':
      case '|':
        if (op.n == 0 || op.n > depth) return std::nullopt;
        depth -= op.n - 1;
        break;
      default:
        return std::nullopt;
    }
    ops.push_back(op);
  }
  if (depth != 1) return std::nullopt;
  return ops;
}

}  // namespace

std::vector<size_t> select_members(const std::vector<std::string>& program,
                                   const std::vector<std::vector<int64_t>>& member_of,
                                   size_t members) {
  std::vector<size_t> chosen;
  const auto ops = parse_program(program, member_of.size());
  if (!ops) return chosen;
  for (const auto& row : member_of) {
    if (row.size() < members) return chosen;  // an answer short of the page
  }
  std::vector<bool> stack;
  for (size_t i = 0; i < members; ++i) {
    stack.clear();
    for (const Op& op : *ops) {
      switch (op.code) {
        case 't':
          stack.push_back(member_of[op.n - 1][i] != 0);
          break;
        case '*':
          stack.push_back(true);
          break;
        case '!':
          stack.back() = !stack.back();
          break;
        default: {
          const bool all_of = op.code == '&';
          bool value = all_of;
          for (size_t j = stack.size() - op.n; j < stack.size(); ++j) {
            value = all_of ? value && stack[j] : value || stack[j];
          }
          stack.resize(stack.size() - op.n);
          stack.push_back(value);
        }
      }
    }
    if (stack.back()) chosen.push_back(i);
  }
  return chosen;
}

}  // namespace tocsin::members
