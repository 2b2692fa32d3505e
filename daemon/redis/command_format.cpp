#include "redis/command_format.h"

#include <charconv>
#include <cstring>

namespace tocsin::redis {
namespace {

size_t digits(size_t n) {
  size_t count = 1;
  while (n >= 10) {
    n /= 10;
    ++count;
  }
  return count;
}

// Writes "<prefix><n>\r\n" at p; returns where it ends.
char* put_header(char* p, char prefix, size_t n) {
  *p++ = prefix;
  p = std::to_chars(p, p + 20, n).ptr;
  *p++ = '\r';
  *p++ = '\n';
  return p;
}

}  // namespace

void format_command(const std::vector<std::string>& argv, std::string* out) {
  // The exact size first, then every byte written in place: no append checks its room.
  size_t size = 1 + digits(argv.size()) + 2;
  for (const auto& arg : argv) size += 1 + digits(arg.size()) + 2 + arg.size() + 2;
  out->resize(size);
  char* p = put_header(out->data(), '*', argv.size());
  for (const auto& arg : argv) {
    p = put_header(p, '$', arg.size());
    if (!arg.empty()) std::memcpy(p, arg.data(), arg.size());
    p += arg.size();
    *p++ = '\r';
    *p++ = '\n';
  }
}

}  // namespace tocsin::redis
