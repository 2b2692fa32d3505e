#include "redis/command_format.h"

#include <charconv>

namespace tocsin::redis {
namespace {

// "<prefix><n>\r\n"
void append_header(std::string* out, char prefix, size_t n) {
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, n).ptr;
  out->push_back(prefix);
  out->append(digits, end);
  out->append("\r\n", 2);
}

}  // namespace

void format_command(const std::vector<std::string>& argv, std::string* out) {
  out->clear();
  // Each argument: '$', up to 20 digits, CRLF, itself, CRLF. One reservation, so the
  // appends below never reallocate.
  size_t size = 24;
  for (const auto& arg : argv) size += arg.size() + 25;
  out->reserve(size);
  append_header(out, '*', argv.size());
  for (const auto& arg : argv) {
    append_header(out, '$', arg.size());
    out->append(arg);
    out->append("\r\n", 2);
  }
}

}  // namespace tocsin::redis
