#pragma once
// Where in a protobuf text-format file a position lies: which blocks are open around it and
// which field's value is being read. Protobuf's parser reports an error with a line and a
// column only; this reads the text again, lightly, to say what was being parsed there.
// Any bytes are accepted (the text is the file that failed to parse).

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace tocsin::text_format {

// The byte offset of protobuf's 0-based (line, column), where a tab advances the column to
// the next multiple of 8 as protobuf's tokenizer counts it. Clamped to the text.
size_t byte_offset(std::string_view text, int line, int column);

struct Context {
  // Field names of the blocks open at the position, outermost first: {"gateways", "twilio"}.
  std::vector<std::string> blocks;
  // The field whose value starts before the position (after its ':'), or "".
  std::string field;
  // Where that value starts; npos when `field` is "".
  size_t value_begin = std::string_view::npos;
  // The last name read before the position, field or value ("" if none).
  std::string last_name;
  // Offset of the '{' of each open block, as `blocks`.
  std::vector<size_t> block_offsets;
};

// protobuf's 0-based (line, column) of a byte offset: the inverse of byte_offset().
struct Position {
  int line = 0;
  int column = 0;
};
Position position_of(std::string_view text, size_t offset);

// What is open at `offset` (bytes before it are read).
Context context_at(std::string_view text, size_t offset);

// The value written at `begin`: a quoted string with its quotes, or the run of characters up
// to a space, '#', ',', ';', '{' or '}'. At most 40 bytes, control bytes as '?'.
std::string value_text(std::string_view text, size_t begin);

}  // namespace tocsin::text_format
