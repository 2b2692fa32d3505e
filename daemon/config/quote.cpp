#include "config/quote.h"

#include <cstdio>

namespace tocsin::config {

std::string in_quotes(std::string_view value) {
  std::string out = "\"";
  for (unsigned char c : value) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7f) {
      char escape[5];
      std::snprintf(escape, sizeof escape, "\\x%02x", c);
      out += escape;
    } else {
      // Bytes >= 0x80 pass through: they are most likely UTF-8 (accents in a path).
      out += static_cast<char>(c);
    }
  }
  out += '"';
  return out;
}

}  // namespace tocsin::config
