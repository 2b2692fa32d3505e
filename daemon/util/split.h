#pragma once
// A text cut at each separator, for the values Redis stores with fields joined by \x1f
// (RSVPs, seats, rides). Views into `text`. Pure.

#include <string_view>
#include <vector>

namespace tocsin {

// One field for an empty text; n + 1 fields for n separators.
inline std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> fields;
  size_t start = 0;
  for (;;) {
    const size_t end = text.find(separator, start);
    fields.push_back(text.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) return fields;
    start = end + 1;
  }
}

}  // namespace tocsin
