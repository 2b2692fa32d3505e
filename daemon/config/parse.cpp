#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/text_format.h>

#include <optional>
#include <string>

#include "config/config.h"

namespace tocsin::config {
namespace {

struct ParseProblem {
  int line = 0;    // 0-based, as protobuf reports it
  int column = 0;  // 0-based
  std::string message;
};

// Keeps the first error only: after one, the parser's later complaints are mostly echoes of
// it, and the caller prints a single line.
class FirstErrorCollector : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, google::protobuf::io::ColumnNumber column,
                const std::string& message) override {
    if (!first_) first_ = ParseProblem{line, column, message};
  }
  const std::optional<ParseProblem>& first() const { return first_; }

 private:
  std::optional<ParseProblem> first_;
};

// Protobuf says `Message type "tocsin.config.HttpConfig" has no field named "listn".` and
// points just past the name. Reword it to lead with what matters and point at the name's
// first character, where an editor should put the cursor. Any other wording passes through.
void reword_unknown_field(ParseProblem* problem) {
  static constexpr std::string_view kPrefix = "Message type \"";
  static constexpr std::string_view kMiddle = "\" has no field named \"";
  std::string_view text = problem->message;
  if (text.substr(0, kPrefix.size()) != kPrefix) return;
  size_t middle = text.find(kMiddle, kPrefix.size());
  if (middle == std::string_view::npos) return;
  std::string_view type = text.substr(kPrefix.size(), middle - kPrefix.size());
  std::string_view rest = text.substr(middle + kMiddle.size());
  size_t close = rest.find('"');
  if (close == std::string_view::npos) return;
  std::string_view field = rest.substr(0, close);
  problem->message = "unknown field \"" + std::string(field) + "\" in " + std::string(type);
  if (problem->column >= static_cast<int>(field.size())) {
    problem->column -= static_cast<int>(field.size());
  }
}

// "Expected identifier, got: " with nothing after it means the input ended.
void name_end_of_input(ParseProblem* problem) {
  static constexpr std::string_view kGot = "got: ";
  std::string_view text = problem->message;
  if (text.size() >= kGot.size() && text.substr(text.size() - kGot.size()) == kGot) {
    problem->message += "end of file (missing '}'?)";
  }
}

// The error is printed as one line; protobuf may quote a token holding control bytes.
void make_one_line(ParseProblem* problem) {
  for (char& c : problem->message) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
}

}  // namespace

Config parse_text(std::string_view text, const std::string& source_name) {
  Config config;
  FirstErrorCollector errors;
  google::protobuf::TextFormat::Parser parser;
  parser.RecordErrorsTo(&errors);
  // Unknown fields stay errors (the parser's default): a misspelt field must not be
  // silently ignored and leave its default in place.
  parser.AllowUnknownField(false);
  parser.AllowUnknownExtension(false);
  bool ok = parser.ParseFromString(std::string(text), &config);
  if (ok && !errors.first()) return config;

  ParseProblem problem = errors.first().value_or(ParseProblem{0, 0, "cannot parse"});
  reword_unknown_field(&problem);
  name_end_of_input(&problem);
  make_one_line(&problem);
  throw ConfigError(source_name + ":" + std::to_string(problem.line + 1) + ":" +
                        std::to_string(problem.column + 1),
                    problem.message);
}

}  // namespace tocsin::config
