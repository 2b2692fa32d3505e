// libFuzzer target: any bytes given to `tocsin alert create FILE` end in an Alert or one
// problem with a position inside the text and a message on one line, never a crash (the
// rewording of protobuf's errors reads the text again to name the block and value).

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "proto/tocsin.pb.h"
#include "util/text_format_errors.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  tocsin::Alert alert;
  if (auto problem = tocsin::text_format::parse(text, &alert, "an alert")) {
    if (problem->line < 1 || problem->column < 1 || problem->message.empty()) __builtin_trap();
    for (char c : problem->message) {
      if (c == '\n') __builtin_trap();
    }
  }
  return 0;
}
