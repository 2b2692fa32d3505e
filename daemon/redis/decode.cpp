#include "redis/decode.h"

#include <cerrno>
#include <cstdlib>

namespace tocsin::redis::decoding {

const char* type_name(Reply::Type type) {
  switch (type) {
    case Reply::Type::nil:
      return "nil";
    case Reply::Type::integer:
      return "an integer";
    case Reply::Type::string:
      return "a string";
    case Reply::Type::status:
      return "a status";
    case Reply::Type::error:
      return "an error";
    case Reply::Type::array:
      return "an array";
  }
  return "an unknown type";
}

bool mismatch(const Reply& reply, const char* expected, std::string* why) {
  if (why) {
    *why = std::string("expected ") + expected + ", got " + type_name(reply.type);
    if (reply.type == Reply::Type::error) *why += " (" + reply.str + ")";
  }
  return false;
}

void prefix_element(size_t index, std::string* why) {
  if (why) *why = "element " + std::to_string(index + 1) + ": " + *why;
}

bool parse_integer(const std::string& text, int64_t& out) {
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc() && ptr == end && !text.empty();
}

bool parse_double(const std::string& text, double& out) {
  if (text.empty()) return false;
  // strtod, as Redis itself, reads "inf" and "-inf" (a ZSET's open bounds).
  char* end = nullptr;
  errno = 0;
  out = std::strtod(text.c_str(), &end);
  return errno == 0 && end == text.c_str() + text.size();
}

}  // namespace tocsin::redis::decoding
