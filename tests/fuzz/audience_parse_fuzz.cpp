// Fuzzes the audience expression parser (it reads text from the API's query string).
// Invariant: whatever parses prints to a canonical text that parses back to the same tree.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "members/audience.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string error;
  auto parsed = tocsin::members::parse_audience(text, &error);
  if (!parsed) {
    if (error.empty()) __builtin_trap();  // a refusal always says why
    return 0;
  }
  const std::string canonical = tocsin::members::to_string(*parsed);
  std::string again_error;
  auto again = tocsin::members::parse_audience(canonical, &again_error);
  if (!again || !(*again == *parsed)) __builtin_trap();
  tocsin::members::terms(*parsed);
  return 0;
}
