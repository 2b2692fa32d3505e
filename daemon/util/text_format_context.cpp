#include "util/text_format_context.h"

#include <algorithm>

namespace tocsin::text_format {
namespace {

constexpr int kTabWidth = 8;  // protobuf's io::Tokenizer

bool is_identifier_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool is_identifier_char(char c) {
  return is_identifier_start(c) || (c >= '0' && c <= '9');
}
bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

// Past a quoted string starting at `i` (its quote); protobuf ends one at a newline too.
size_t skip_string(std::string_view text, size_t i, size_t end) {
  const char quote = text[i++];
  while (i < end && text[i] != quote && text[i] != '\n') {
    if (text[i] == '\\' && i + 1 < end) ++i;
    ++i;
  }
  return i < end && text[i] == quote ? i + 1 : i;
}

size_t skip_spaces(std::string_view text, size_t i) {
  while (i < text.size() && is_space(text[i])) ++i;
  return i;
}

}  // namespace

size_t byte_offset(std::string_view text, int line, int column) {
  size_t i = 0;
  for (int l = 0; l < line && i < text.size(); ++i) {
    if (text[i] == '\n') ++l;
  }
  for (int c = 0; i < text.size() && text[i] != '\n'; ++i) {
    if (c >= column) break;
    c = text[i] == '\t' ? c + kTabWidth - c % kTabWidth : c + 1;
  }
  return i;
}

Position position_of(std::string_view text, size_t offset) {
  Position position;
  const size_t end = std::min(offset, text.size());
  for (size_t i = 0; i < end; ++i) {
    if (text[i] == '\n') {
      ++position.line;
      position.column = 0;
    } else {
      position.column += text[i] == '\t' ? kTabWidth - position.column % kTabWidth : 1;
    }
  }
  return position;
}

Context context_at(std::string_view text, size_t offset) {
  const size_t end = std::min(offset, text.size());
  Context context;
  std::string last_identifier;
  size_t i = 0;
  while (i < end) {
    const char c = text[i];
    if (c == '#') {
      while (i < end && text[i] != '\n') ++i;
    } else if (c == '"' || c == '\'') {
      i = skip_string(text, i, end);
    } else if (is_identifier_start(c)) {
      const size_t start = i;
      while (i < end && is_identifier_char(text[i])) ++i;
      last_identifier = std::string(text.substr(start, i - start));
      context.last_name = last_identifier;
    } else if (c >= '0' && c <= '9') {
      // A number, with its exponent or suffix letters: not a name.
      while (i < end && (is_identifier_char(text[i]) || text[i] == '.')) ++i;
    } else if (c == ':') {
      context.field = last_identifier;
      context.value_begin = skip_spaces(text, i + 1);
      ++i;
    } else if (c == '{' || c == '<') {
      context.blocks.push_back(last_identifier);
      context.block_offsets.push_back(i);
      context.field.clear();
      context.value_begin = std::string_view::npos;
      ++i;
    } else if (c == '}' || c == '>') {
      if (!context.blocks.empty()) {
        context.blocks.pop_back();
        context.block_offsets.pop_back();
      }
      context.field.clear();
      context.value_begin = std::string_view::npos;
      ++i;
    } else {
      ++i;
    }
  }
  return context;
}

std::string value_text(std::string_view text, size_t begin) {
  constexpr size_t kMax = 40;
  if (begin >= text.size()) return "";
  size_t end = begin;
  if (text[begin] == '"' || text[begin] == '\'') {
    end = skip_string(text, begin, text.size());
  } else {
    while (end < text.size() && !is_space(text[end])) {
      const char c = text[end];
      if (c == '#' || c == ',' || c == ';' || c == '{' || c == '}') break;
      ++end;
    }
  }
  size_t length = end - begin;
  if (length > kMax) {
    length = kMax;
    // Not in the middle of a UTF-8 character: back to the start of the one cut.
    while (length > 0 && (static_cast<unsigned char>(text[begin + length]) & 0xc0) == 0x80) {
      --length;
    }
  }
  std::string value(text.substr(begin, length));
  for (char& c : value) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
  if (length < end - begin) value += "…";
  return value;
}

}  // namespace tocsin::text_format
