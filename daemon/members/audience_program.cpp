#include "members/audience_program.h"

#include <algorithm>
#include <optional>

#include "members/member_keys.h"

namespace tocsin::members {
namespace {

using Kind = AudienceExpr::Kind;

constexpr size_t kAllKey = 1;  // index of members:all in KEYS
constexpr size_t kFixedKeys = 5;

// A compiled subexpression: the key holding its members, or, when negated, the key holding
// everyone it excludes.
struct Value {
  size_t key;
  bool negated = false;
};

class Compiler {
 public:
  explicit Compiler(const AudienceExpr& expr) : terms_(terms(expr)) {}

  const std::vector<std::pair<std::string, std::string>>& term_list() const { return terms_; }
  const std::vector<std::vector<std::string>>& operations() const { return operations_; }

  // Compiles expr ∩ context (expr alone without a context). With a context the result is
  // never negated: it is a subset of the context.
  Value compile(const AudienceExpr& expr, std::optional<size_t> context) {
    switch (expr.kind) {
      case Kind::all:
        return {context.value_or(kAllKey)};
      case Kind::term:
        if (!context) return {term_key(expr)};
        return {emit("i", {*context, term_key(expr)})};
      case Kind::not_:
        return compile_not(expr.children.at(0), context);
      case Kind::or_:
        return compile_or(expr, context);
      case Kind::and_:
        return compile_and(expr, context);
    }
    return {kAllKey};
  }

  // A negated value written out as a plain set: costs a pass over all members, so only
  // where an operand has to be a real set and nothing smaller is at hand.
  size_t plain(Value value) {
    if (!value.negated) return value.key;
    return emit("d", {kAllKey, value.key});
  }

 private:
  Value compile_not(const AudienceExpr& operand, std::optional<size_t> context) {
    if (!context) {
      Value inner = compile(operand, std::nullopt);
      return {inner.key, !inner.negated};
    }
    std::vector<size_t> operands{*context};
    add_subtrahends(operand, *context, operands);
    return {emit("d", operands)};
  }

  // Appends keys whose removal from context removes operand's members: the indexes
  // themselves for terms and ORs of terms (SDIFF a b c = a minus (b OR c), and it walks
  // only the context), else operand ∩ context.
  void add_subtrahends(const AudienceExpr& operand, size_t context, std::vector<size_t>& out) {
    if (operand.kind == Kind::term) {
      out.push_back(term_key(operand));
    } else if (operand.kind == Kind::all) {
      out.push_back(kAllKey);
    } else if (operand.kind == Kind::or_) {
      for (const auto& child : operand.children) add_subtrahends(child, context, out);
    } else {
      out.push_back(compile(operand, context).key);
    }
  }

  Value compile_or(const AudienceExpr& expr, std::optional<size_t> context) {
    std::vector<size_t> plain_keys;
    std::vector<size_t> negated_keys;
    for (const auto& child : expr.children) {
      Value value = compile(child, context);
      (value.negated ? negated_keys : plain_keys).push_back(value.key);
    }
    if (negated_keys.empty()) return {emit("u", plain_keys)};
    // a OR NOT b OR NOT c = NOT ((b ∩ c) \ a): De Morgan keeps it a small set.
    size_t excluded = negated_keys.size() == 1 ? negated_keys[0] : emit("i", negated_keys);
    if (!plain_keys.empty()) {
      std::vector<size_t> operands{excluded};
      operands.insert(operands.end(), plain_keys.begin(), plain_keys.end());
      excluded = emit("d", operands);
    }
    return {excluded, true};
  }

  Value compile_and(const AudienceExpr& expr, std::optional<size_t> context) {
    // Terms first, in one SINTERSTORE (Redis walks the smallest set); then the other
    // positive operands, each restricted to what is left; the negations last, so that
    // they only remove from an already small set.
    std::vector<size_t> leaves;
    if (context) leaves.push_back(*context);
    for (const auto& child : expr.children) {
      if (child.kind == Kind::term) leaves.push_back(term_key(child));
      if (child.kind == Kind::all) leaves.push_back(kAllKey);
    }
    std::optional<size_t> current = context;
    if (!leaves.empty()) current = leaves.size() == 1 ? leaves[0] : emit("i", leaves);
    for (const auto& child : expr.children) {
      if (child.kind != Kind::and_ && child.kind != Kind::or_) continue;
      current = current ? compile(child, current).key : plain(compile(child, std::nullopt));
    }

    std::vector<const AudienceExpr*> negations;
    for (const auto& child : expr.children) {
      if (child.kind == Kind::not_) negations.push_back(&child.children.at(0));
    }
    if (negations.empty()) return {*current};
    if (!current) {
      // Only negations: NOT a AND NOT b = NOT (a OR b).
      std::vector<size_t> excluded;
      for (const auto* operand : negations) excluded.push_back(plain(compile(*operand, {})));
      return {excluded.size() == 1 ? excluded[0] : emit("u", excluded), true};
    }
    std::vector<size_t> operands{*current};
    for (const auto* operand : negations) add_subtrahends(*operand, *current, operands);
    return {emit("d", operands)};
  }

  size_t term_key(const AudienceExpr& term) const {
    std::pair<std::string, std::string> wanted{term.dimension, term.value};
    auto it = std::find(terms_.begin(), terms_.end(), wanted);
    return kFixedKeys + 1 + static_cast<size_t>(it - terms_.begin());
  }

  // Appends one operation writing a new temporary key; returns that key's index. Temporary
  // keys are numbered from 1 here and placed after the term keys in the end.
  size_t emit(const char* op, const std::vector<size_t>& operands) {
    std::vector<std::string> operation{op, std::to_string(operands.size()),
                                       std::to_string(temp_index(operations_.size() + 1))};
    for (size_t key : operands) operation.push_back(std::to_string(key));
    operations_.push_back(std::move(operation));
    return temp_index(operations_.size());
  }

  size_t temp_index(size_t temp_number) const { return kFixedKeys + terms_.size() + temp_number; }

  std::vector<std::pair<std::string, std::string>> terms_;
  std::vector<std::vector<std::string>> operations_;
};

}  // namespace

AudienceProgram compile_audience(const AudienceExpr& expr, const std::string& temp_prefix) {
  Compiler compiler(expr);
  Value result = compiler.compile(expr, std::nullopt);

  AudienceProgram program;
  program.keys = {std::string(keys::kAll), std::string(keys::kWithSms),
                  keys::opted_out_members("sms"), std::string(keys::kWithEmail),
                  keys::opted_out_members("email")};
  for (const auto& [dimension, value] : compiler.term_list()) {
    program.keys.push_back(index_key(dimension, value));
    AudienceExpr term;
    term.kind = Kind::term;
    term.dimension = dimension;
    term.value = value;
    program.term_texts.push_back(to_string(term));
  }
  size_t first_temp = program.keys.size() + 1;
  size_t temp_count = compiler.operations().size();
  for (size_t i = 1; i <= temp_count; ++i) program.keys.push_back(temp_prefix + std::to_string(i));

  program.args = {std::to_string(compiler.term_list().size()), std::to_string(first_temp),
                  std::to_string(temp_count), std::to_string(result.key),
                  result.negated ? "1" : "0"};
  for (const auto& operation : compiler.operations()) {
    program.args.insert(program.args.end(), operation.begin(), operation.end());
  }
  return program;
}

}  // namespace tocsin::members
