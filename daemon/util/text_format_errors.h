#pragma once
// Reading protobuf text format (the daemon's config, an alert file) with errors in words a
// sysadmin or an officer understands. Protobuf's own messages name C++ types and tokenizer
// states ("unknown field \"redis\" in tocsin.config.HttpConfig", "Already saw decimal point
// or exponent"); each is reworded here with its line and column kept: which block the
// position is in, which field was being read, what was found there, and the valid name
// closest to a misspelt field or enum value.

#include <optional>
#include <string>
#include <string_view>

namespace google::protobuf {
class Descriptor;
class Message;
}  // namespace google::protobuf

namespace tocsin::text_format {

struct Problem {
  int line = 1;         // 1-based
  int column = 1;       // 1-based; a tab advances it to the next multiple of 8, as protobuf counts
  std::string message;  // one line, no file name

  // "FILE:LINE:COLUMN", as compilers write it, which editors can jump to.
  std::string position_in(const std::string& file) const {
    return file + ":" + std::to_string(line) + ":" + std::to_string(column);
  }
};

// Parses `text` into *message. Unknown fields and extensions are errors: a misspelt field
// must not silently leave its default in place. nullopt on success, else the first problem
// (later ones are mostly echoes of it). `whole` names the file's top level in messages,
// e.g. "the config".
std::optional<Problem> parse(std::string_view text, google::protobuf::Message* message,
                             std::string_view whole);

// The rewording of one protobuf error reported at the 0-based (line, column) of `text`
// parsed as `type`. Public for tests.
Problem translate(std::string_view text, const google::protobuf::Descriptor& type,
                  std::string_view whole, int line, int column, const std::string& message);

}  // namespace tocsin::text_format
