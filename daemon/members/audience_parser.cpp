// parse_audience(): a recursive-descent parser straight over the text, no token list, so
// that every error can name the column where it happened.

#include <string>

#include "members/audience.h"
#include "members/text_fold.h"

namespace tocsin::members {
namespace {

using Kind = AudienceExpr::Kind;

bool is_bare_byte(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c >= 0x80;
}

// The canonical name of a dimension, from its folded English or French spelling.
std::string dimension_name(const std::string& folded) {
  if (folded == "region") return "region";
  if (folded == "sector" || folded == "secteur") return "sector";
  if (folded == "local") return "local";
  if (folded == "tag" || folded == "etiquette") return "tag";
  return {};
}

AudienceExpr combine(Kind kind, std::vector<AudienceExpr> operands) {
  if (operands.size() == 1) return std::move(operands.front());
  AudienceExpr node;
  node.kind = kind;
  // A AND (B AND C) is A AND B AND C: flat nodes make one Redis command of each run.
  for (auto& operand : operands) {
    if (operand.kind == kind) {
      for (auto& child : operand.children) node.children.push_back(std::move(child));
    } else {
      node.children.push_back(std::move(operand));
    }
  }
  return node;
}

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  std::optional<AudienceExpr> parse(std::string* error) {
    auto expr = parse_all();
    if (!expr && error) *error = error_;
    return expr;
  }

 private:
  enum class Keyword { none, and_, or_, not_ };

  std::optional<AudienceExpr> parse_all() {
    if (text_.size() > kMaxAudienceBytes) {
      return fail(0, "audience longer than " + std::to_string(kMaxAudienceBytes) + " bytes");
    }
    skip_space();
    if (at_end()) return fail(pos_, "empty audience");
    auto expr = parse_or();
    if (!expr) return std::nullopt;
    skip_space();
    if (!at_end()) {
      if (text_[pos_] == ')') return fail(pos_, "unexpected ')'");
      return fail(pos_, "expected AND, OR or the end of the audience, found " + found());
    }
    return expr;
  }

  std::optional<AudienceExpr> parse_or() {
    std::vector<AudienceExpr> operands;
    do {
      auto operand = parse_and();
      if (!operand) return std::nullopt;
      operands.push_back(std::move(*operand));
    } while (take_keyword(Keyword::or_));
    return combine(Kind::or_, std::move(operands));
  }

  std::optional<AudienceExpr> parse_and() {
    std::vector<AudienceExpr> operands;
    do {
      auto operand = parse_unary();
      if (!operand) return std::nullopt;
      operands.push_back(std::move(*operand));
    } while (take_keyword(Keyword::and_));
    return combine(Kind::and_, std::move(operands));
  }

  std::optional<AudienceExpr> parse_unary() {
    skip_space();
    if (at_end()) return fail(pos_, "expected a term, found the end of the audience");
    size_t start = pos_;
    Keyword keyword = keyword_here();
    if (keyword == Keyword::not_ || text_[pos_] == '(') {
      if (++depth_ > kMaxAudienceDepth) {
        return fail(start, "nested deeper than " + std::to_string(kMaxAudienceDepth) + " levels");
      }
      std::optional<AudienceExpr> result;
      if (keyword == Keyword::not_) {
        take_keyword(Keyword::not_);
        auto operand = parse_unary();
        if (!operand) return std::nullopt;
        AudienceExpr node;
        node.kind = Kind::not_;
        node.children.push_back(std::move(*operand));
        result = std::move(node);
      } else {
        ++pos_;
        result = parse_or();
        if (!result) return std::nullopt;
        skip_space();
        if (at_end()) return fail(pos_, "expected ')'");
        if (text_[pos_] != ')') return fail(pos_, "expected ')', AND or OR, found " + found());
        ++pos_;
      }
      --depth_;
      return result;
    }
    if (keyword == Keyword::and_ || keyword == Keyword::or_) {
      return fail(pos_, "expected a term before " + found());
    }
    return parse_term();
  }

  std::optional<AudienceExpr> parse_term() {
    size_t start = pos_;
    std::string_view word = take_word();
    if (word.empty()) {
      if (text_[pos_] == ')') return fail(pos_, "expected a term before ')'");
      if (text_[pos_] == ':') return fail(pos_, "expected a dimension before ':'");
      return fail(pos_, "expected a term, found " + found());
    }
    if (at_end() || text_[pos_] != ':') {
      std::string folded = fold(word);
      if (folded == "all" || folded == "tous") return count_term(start, AudienceExpr{});
      return fail(start, "expected dimension:value or all, found \"" + std::string(word) + "\"");
    }
    std::string dimension = dimension_name(fold(word));
    if (dimension.empty()) {
      return fail(start, "unknown dimension \"" + std::string(word) +
                             "\"; expected region, sector, local or tag");
    }
    ++pos_;  // ':'
    size_t value_start = pos_;
    std::string raw;
    if (!at_end() && text_[pos_] == '"') {
      auto quoted = take_quoted();
      if (!quoted) return fail(value_start, "unterminated quote");
      raw = std::move(*quoted);
    } else {
      raw = take_word();
      if (raw.empty()) return fail(value_start, "expected a value after ':'");
    }
    AudienceExpr term;
    term.kind = Kind::term;
    term.dimension = std::move(dimension);
    term.value = fold(raw);
    if (term.value.empty()) return fail(value_start, "empty value");
    return count_term(start, std::move(term));
  }

  std::optional<AudienceExpr> count_term(size_t start, AudienceExpr term) {
    if (++terms_ > kMaxAudienceTerms) {
      return fail(start, "more than " + std::to_string(kMaxAudienceTerms) + " terms");
    }
    return term;
  }

  // Bytes of white space at pos_: ASCII, and the no-break spaces that word processors put
  // in French text (before ':' among others) and that a copy-paste brings along.
  size_t space_length() const {
    std::string_view rest = text_.substr(pos_);
    if (rest.empty()) return 0;
    char c = rest.front();
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') return 1;
    if (rest.starts_with("\xc2\xa0")) return 2;      // U+00A0
    if (rest.starts_with("\xe2\x80\xaf")) return 3;  // U+202F
    return 0;
  }

  void skip_space() {
    while (size_t length = space_length()) pos_ += length;
  }

  bool at_end() const { return pos_ >= text_.size(); }

  std::string_view take_word() {
    size_t start = pos_;
    while (!at_end() && is_bare_byte(static_cast<unsigned char>(text_[pos_])) &&
           space_length() == 0) {
      ++pos_;
    }
    return text_.substr(start, pos_ - start);
  }

  // A double-quoted value from pos_ (at the opening quote); \" and \\ escape. nullopt when
  // the closing quote is missing.
  std::optional<std::string> take_quoted() {
    std::string value;
    for (size_t i = pos_ + 1; i < text_.size(); ++i) {
      char c = text_[i];
      if (c == '"') {
        pos_ = i + 1;
        return value;
      }
      if (c == '\\' && i + 1 < text_.size()) c = text_[++i];
      value += c;
    }
    return std::nullopt;
  }

  // The keyword at pos_ (after white space), without consuming it. A word followed by ':'
  // is a dimension, never a keyword.
  Keyword keyword_here() {
    skip_space();
    size_t start = pos_;
    std::string_view word = take_word();
    bool dimension = !at_end() && text_[pos_] == ':';
    pos_ = start;
    if (word.empty() || dimension || word.size() > 4) return Keyword::none;
    std::string folded = fold(word);
    if (folded == "and" || folded == "et") return Keyword::and_;
    if (folded == "or" || folded == "ou") return Keyword::or_;
    if (folded == "not" || folded == "non") return Keyword::not_;
    return Keyword::none;
  }

  bool take_keyword(Keyword keyword) {
    if (keyword_here() != keyword) return false;
    take_word();
    return true;
  }

  // What stands at pos_, for an error message.
  std::string found() {
    if (at_end()) return "the end of the audience";
    size_t start = pos_;
    std::string_view word = take_word();
    pos_ = start;
    if (!word.empty()) return "\"" + std::string(word) + "\"";
    auto c = static_cast<unsigned char>(text_[pos_]);
    if (c < 0x20 || c == 0x7f) return "a control character";
    return "'" + std::string(1, static_cast<char>(c)) + "'";
  }

  // 1-based, in characters: an officer counts é as one.
  size_t column(size_t offset) const {
    size_t column = 1;
    for (size_t i = 0; i < offset && i < text_.size(); ++i) {
      if ((static_cast<unsigned char>(text_[i]) & 0xc0) != 0x80) ++column;
    }
    return column;
  }

  std::nullopt_t fail(size_t offset, std::string reason) {
    error_ = "column " + std::to_string(column(offset)) + ": " + reason;
    return std::nullopt;
  }

  std::string_view text_;
  size_t pos_ = 0;
  size_t depth_ = 0;
  size_t terms_ = 0;
  std::string error_;
};

}  // namespace

std::optional<AudienceExpr> parse_audience(std::string_view text, std::string* error) {
  return Parser(text).parse(error);
}

}  // namespace tocsin::members
