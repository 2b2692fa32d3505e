// libFuzzer target: any bytes given as a config file must end in a Config or a ConfigError,
// never in another exception, a crash or a sanitizer report.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "config/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    tocsin::config::Config config = tocsin::config::parse_text(text, "fuzz.conf");
    tocsin::config::apply_defaults(config);
    for (const tocsin::config::ConfigError& problem : tocsin::config::validate(config)) {
      // Every problem names a field and is one printable line.
      if (problem.field().empty()) __builtin_trap();
      for (char c : std::string_view(problem.what())) {
        if (c == '\n') __builtin_trap();
      }
    }
  } catch (const tocsin::config::ConfigError& error) {
    if (std::string_view(error.what()).find('\n') != std::string_view::npos) __builtin_trap();
  }
  return 0;
}
