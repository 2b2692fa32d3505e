#include "util/text_format_errors.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/message.h>
#include <google/protobuf/text_format.h>

#include <algorithm>
#include <cctype>
#include <vector>

#include "util/did_you_mean.h"
#include "util/text_format_context.h"

namespace tocsin::text_format {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::EnumDescriptor;
using google::protobuf::FieldDescriptor;

// Lists longer than this are not spelt out in a one-line error.
constexpr int kMaxListed = 12;

class FirstErrorCollector : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, google::protobuf::io::ColumnNumber column,
                const std::string& message) override {
    if (!found_) {
      found_ = true;
      line_ = line;
      column_ = column;
      message_ = message;
    }
  }
  bool found() const { return found_; }
  int line() const { return line_; }
  int column() const { return column_; }
  const std::string& message() const { return message_; }

 private:
  bool found_ = false;
  int line_ = 0;
  int column_ = 0;
  std::string message_;
};

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

// The n-th (0-based) "double-quoted" part of a protobuf message.
std::optional<std::string> quoted(std::string_view message, int n) {
  size_t at = 0;
  for (int i = 0;; ++i) {
    const size_t open = message.find('"', at);
    if (open == std::string_view::npos) return std::nullopt;
    const size_t close = message.find('"', open + 1);
    if (close == std::string_view::npos) return std::nullopt;
    if (i == n) return std::string(message.substr(open + 1, close - open - 1));
    at = close + 1;
  }
}

std::string in_quotes(std::string_view value) {
  if (!value.empty() && (value.front() == '"' || value.front() == '\'')) return std::string(value);
  return "\"" + std::string(value) + "\"";
}

std::string joined(const std::vector<std::string>& names, std::string_view separator) {
  std::string out;
  for (const std::string& name : names) {
    if (!out.empty()) out += separator;
    out += name;
  }
  return out;
}

std::vector<std::string> field_names(const Descriptor& type) {
  std::vector<std::string> names;
  for (int i = 0; i < type.field_count(); ++i) names.push_back(type.field(i)->name());
  return names;
}

std::vector<std::string> value_names(const EnumDescriptor& type) {
  std::vector<std::string> names;
  for (int i = 0; i < type.value_count(); ++i) names.push_back(type.value(i)->name());
  return names;
}

// The blocks open at a position, resolved against the schema.
struct Where {
  const Descriptor* type = nullptr;      // the innermost block's message; nullptr if lost
  std::vector<const Descriptor*> outer;  // the blocks around it, innermost last
  std::vector<std::string> blocks;       // their field names
  std::string whole;

  // "http { … }", "gateways { twilio { … } }", or the whole file's name at the top.
  std::string block() const {
    if (blocks.empty()) return whole;
    std::string out;
    for (const std::string& name : blocks) out += name + " { ";
    out += "…";
    for (size_t i = 0; i < blocks.size(); ++i) out += " }";
    return out;
  }
  // "http.max_connections"; the field alone at the top.
  std::string path(const std::string& field) const {
    return blocks.empty() ? field : joined(blocks, ".") + "." + field;
  }
  const FieldDescriptor* field(const std::string& name) const {
    return type != nullptr ? type->FindFieldByName(name) : nullptr;
  }
};

Where locate(const Descriptor& root, const Context& context, std::string_view whole) {
  Where where;
  where.whole = std::string(whole);
  where.blocks = context.blocks;
  where.type = &root;
  for (const std::string& name : context.blocks) {
    const FieldDescriptor* field = where.type->FindFieldByName(name);
    if (field == nullptr || field->message_type() == nullptr) {
      where.type = nullptr;
      where.outer.clear();
      break;
    }
    where.outer.push_back(where.type);
    where.type = field->message_type();
  }
  return where;
}

struct Located {
  Context context;
  Where where;
};

Located located_at(std::string_view text, const Descriptor& root, std::string_view whole,
                   size_t offset) {
  Located out;
  out.context = context_at(text, offset);
  out.where = locate(root, out.context, whole);
  return out;
}

// Only spaces, newlines and # comments.
bool blank(std::string_view text) {
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '#') {
      while (i < text.size() && text[i] != '\n') ++i;
    } else if (text[i] != ' ' && text[i] != '\t' && text[i] != '\n' && text[i] != '\r') {
      return false;
    }
  }
  return true;
}

// Protobuf points past a name it refuses: just after it, or at the next token, perhaps on a
// later line. Move to the name's first character, where an editor should put the cursor.
size_t start_of(std::string_view text, size_t offset, const std::string& name) {
  if (name.empty()) return offset;
  offset = std::min(offset, text.size());
  const size_t found = text.substr(0, offset).rfind(name);
  if (found == std::string_view::npos) return offset;
  const size_t end = found + name.size();
  const bool whole_word =
      found == 0 || !(std::isalnum(static_cast<unsigned char>(text[found - 1])) ||
                      text[found - 1] == '_');
  return whole_word && blank(text.substr(end, offset - end)) ? found : offset;
}

std::string unknown_field(const Located& at, const Descriptor& reported, const std::string& name) {
  const Descriptor& type = at.where.type != nullptr ? *at.where.type : reported;
  // A name that belongs to an enclosing block: the block before it was not closed.
  for (auto it = at.where.outer.rbegin(); it != at.where.outer.rend(); ++it) {
    if ((*it)->FindFieldByName(name) != nullptr) {
      return in_quotes(name) + " is not a field of " + at.where.block() +
             " — is a closing } missing before it?";
    }
  }
  std::string message = in_quotes(name) + " is not a field of " +
                        (at.where.type != nullptr ? at.where.block() : type.name());
  const std::vector<std::string> names = field_names(type);
  if (auto guess = closest_name(name, names))
    return message + ": did you mean " + in_quotes(*guess) + "?";
  if (static_cast<int>(names.size()) <= kMaxListed)
    message += " (its fields: " + joined(names, ", ") + ")";
  return message;
}

std::string unknown_enum_value(const Located& at, const std::string& value,
                               const std::string& field_name) {
  std::string message = "unknown " + at.where.path(field_name) + " " + in_quotes(value);
  const FieldDescriptor* field = at.where.field(field_name);
  if (field == nullptr || field->enum_type() == nullptr) return message;
  const std::vector<std::string> names = value_names(*field->enum_type());
  if (auto guess = closest_name(value, names))
    return message + ": did you mean " + in_quotes(*guess) + "?";
  if (static_cast<int>(names.size()) <= kMaxListed)
    message += ": expected one of " + joined(names, ", ");
  return message;
}

// A value that did not read as its field's type: say what the field takes.
std::string bad_value(const Located& at, std::string_view text) {
  const std::string& name = at.context.field;
  const std::string found = in_quotes(value_text(text, at.context.value_begin));
  const std::string path = at.where.path(name);
  const FieldDescriptor* field = at.where.field(name);
  if (field == nullptr)
    return "cannot read the value of " + path + ", found " + found + " (put text in quotes)";
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
    case FieldDescriptor::CPPTYPE_INT64:
    case FieldDescriptor::CPPTYPE_UINT32:
    case FieldDescriptor::CPPTYPE_UINT64:
      return "expected a whole number for " + path + ", found " + found;
    case FieldDescriptor::CPPTYPE_DOUBLE:
    case FieldDescriptor::CPPTYPE_FLOAT:
      return "expected a number for " + path + ", found " + found;
    case FieldDescriptor::CPPTYPE_BOOL:
      return "expected true or false for " + path + ", found " + found;
    case FieldDescriptor::CPPTYPE_STRING:
      return "expected text in quotes for " + path + ", found " +
             value_text(text, at.context.value_begin) + " (put text in quotes)";
    case FieldDescriptor::CPPTYPE_ENUM: {
      const std::vector<std::string> names = value_names(*field->enum_type());
      if (static_cast<int>(names.size()) <= kMaxListed) {
        return "expected one of " + joined(names, ", ") + " for " + path + ", found " + found;
      }
      return "expected a name for " + path + ", found " + found;
    }
    case FieldDescriptor::CPPTYPE_MESSAGE:
      return path + " is a block, written " + name + " { … }, found " + found;
  }
  return "cannot read the value of " + path + ", found " + found;
}

bool is_value_error(std::string_view message) {
  // The tokenizer's complaints about a number, and the parser's about a value's type.
  for (std::string_view prefix :
       {"Already saw decimal point or exponent", "Need space between number and identifier",
        "\"e\" must be followed by exponent", "Hex and octal numbers must be integers",
        "Numbers starting with leading zero must be in octal", "Expected integer, got:",
        "Expected double, got:", "Expected string, got:", "Expected integer or identifier, got:",
        "Invalid float number:", "Invalid value for boolean field",
        "Expected \"true\" or \"false\""}) {
    if (starts_with(message, prefix)) return true;
  }
  return false;
}

std::string plain(std::string message) {
  if (!message.empty() && message.back() == '.') message.pop_back();
  if (!message.empty() && message[0] >= 'A' && message[0] <= 'Z' &&
      (message.size() < 2 || !(message[1] >= 'A' && message[1] <= 'Z'))) {
    message[0] = static_cast<char>(message[0] - 'A' + 'a');
  }
  return message;
}

Problem at_offset(std::string_view text, size_t offset, std::string message) {
  const Position position = position_of(text, offset);
  return Problem{position.line + 1, position.column + 1, std::move(message)};
}

// Printed as one line: protobuf may quote a token holding control bytes.
Problem one_line(Problem problem) {
  for (char& c : problem.message) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
  return problem;
}

Problem reword(std::string_view text, const Descriptor& root, std::string_view whole, int line,
               int column, const std::string& message) {
  const size_t offset = byte_offset(text, line, column);
  const auto at = [&](size_t where) { return located_at(text, root, whole, where); };

  constexpr std::string_view kUnknownField = "Message type \"";
  if (starts_with(message, kUnknownField) &&
      message.find("\" has no field named \"") != std::string::npos) {
    const std::string name = quoted(message, 1).value_or("");
    const Descriptor* reported =
        root.file()->pool()->FindMessageTypeByName(quoted(message, 0).value_or(""));
    const size_t start = start_of(text, offset, name);
    return at_offset(text, start,
                     unknown_field(at(start), reported != nullptr ? *reported : root, name));
  }
  if (starts_with(message, "Unknown enumeration value of ")) {
    // Of "NAME" for field "kind", or of 42 for field "kind" (a number).
    std::string value = message.substr(std::string_view("Unknown enumeration value of ").size());
    value = value.substr(0, value.find(" for field \""));
    if (value.size() >= 2 && value.front() == '"') value = value.substr(1, value.size() - 2);
    const std::string field = quoted(message, message[29] == '"' ? 1 : 0).value_or("");
    const size_t start = start_of(text, offset, value);
    return at_offset(text, start, unknown_enum_value(at(start), value, field));
  }
  if (is_value_error(message)) {
    const Located here = at(offset);
    if (!here.context.field.empty() && here.context.value_begin <= offset) {
      return at_offset(text, here.context.value_begin, bad_value(here, text));
    }
  }
  if (starts_with(message, "Integer out of range (")) {
    const Located here = at(offset);
    if (!here.context.field.empty() && here.context.value_begin <= offset) {
      return at_offset(text, here.context.value_begin,
                       "the number " + value_text(text, here.context.value_begin) +
                           " is too large for " + here.where.path(here.context.field));
    }
  }
  if (message == "Expected identifier, got: ") {
    const Located here = at(offset);
    if (!here.context.blocks.empty()) {
      const Position opened = position_of(text, here.context.block_offsets.back());
      return at_offset(text, offset,
                       "the file ends inside " + here.where.block() + " opened on line " +
                           std::to_string(opened.line + 1) + ": a closing } is missing");
    }
    return at_offset(text, offset, "the file ends where a field name was expected");
  }
  if (starts_with(message, "Expected identifier, got: ")) {
    const Located here = at(offset);
    return at_offset(
        text, offset,
        "expected a field name in " + here.where.block() + ", found " +
            in_quotes(message.substr(std::string_view("Expected identifier, got: ").size())));
  }
  if (starts_with(message, "Non-repeated field \"")) {
    const std::string name = quoted(message, 0).value_or("");
    const size_t start = start_of(text, offset, name);
    return at_offset(text, start, at(start).where.path(name) + " is set twice: keep one");
  }
  if (starts_with(message, "Field \"") &&
      message.find("another member of oneof") != std::string::npos) {
    // Field "file" is specified along with field "console", another member of oneof "kind".
    const std::string second = quoted(message, 0).value_or("");
    const size_t start = start_of(text, offset, second);
    const Where& where = at(start).where;
    return at_offset(text, start,
                     where.path(quoted(message, 1).value_or("")) + " and " + where.path(second) +
                         " are alternatives: set only one of them");
  }
  if (message == "String literals cannot cross line boundaries." ||
      message == "Unexpected end of string.") {
    // Protobuf points at the end of the line; the opening quote is what to look at.
    const Located here = at(offset);
    const size_t begin = here.context.value_begin;
    if (!here.context.field.empty() && begin < offset &&
        text.substr(begin, offset - begin).find('\n') == std::string_view::npos) {
      return at_offset(text, begin,
                       "the text of " + here.where.path(here.context.field) +
                           " is not closed on its line: a closing quote is missing");
    }
    return at_offset(text, offset,
                     "a text in quotes is not closed on its line: a closing quote is missing");
  }
  if (starts_with(message, "Invalid escape sequence in string literal")) {
    return at_offset(text, offset,
                     "invalid \\ escape in a text in quotes (write \\\\ for a backslash)");
  }
  if (starts_with(message, "Expected \"") && message.find("\", found \"") != std::string::npos) {
    const std::string expected = quoted(message, 0).value_or("");
    // Protobuf quotes the token it found, itself perhaps a quoted text: ""UTC"".
    std::string found = plain(message.substr(message.find(", found ") + 8));
    if (found.size() >= 2 && found.front() == '"' && found.back() == '"') {
      found = found.substr(1, found.size() - 2);
    }
    const Located here = at(offset);
    std::string what = "expected " + in_quotes(expected);
    if (expected == ":" || expected == "{")
      what += " after " + here.where.path(here.context.last_name);
    return at_offset(text, offset, what + ", found " + in_quotes(found));
  }
  return Problem{line + 1, column + 1, plain(message)};
}

}  // namespace

Problem translate(std::string_view text, const Descriptor& type, std::string_view whole, int line,
                  int column, const std::string& message) {
  return one_line(reword(text, type, whole, line, column, message));
}

std::optional<Problem> parse(std::string_view text, google::protobuf::Message* message,
                             std::string_view whole) {
  FirstErrorCollector errors;
  google::protobuf::TextFormat::Parser parser;
  parser.RecordErrorsTo(&errors);
  parser.AllowUnknownField(false);
  parser.AllowUnknownExtension(false);
  const bool ok = parser.ParseFromString(std::string(text), message);
  if (ok && !errors.found()) return std::nullopt;
  if (!errors.found()) return Problem{1, 1, "cannot parse " + std::string(whole)};
  return translate(text, *message->GetDescriptor(), whole, errors.line(), errors.column(),
                   errors.message());
}

}  // namespace tocsin::text_format
