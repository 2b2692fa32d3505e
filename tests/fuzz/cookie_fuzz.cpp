// Fuzzes the Cookie header reader (http/cookie.h): every authenticated request's Cookie
// header comes straight from the network.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "http/cookie.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto value = tocsin::http::cookie_value(input, tocsin::http::kSessionCookie);
  if (value) {
    // A value is a non-empty slice of the header, without a separator in it.
    if (value->empty() || value->find(';') != std::string_view::npos) __builtin_trap();
    if (value->data() < input.data() || value->data() + value->size() > input.data() + size) {
      __builtin_trap();
    }
  }
  return 0;
}
