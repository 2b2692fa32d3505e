#pragma once
// What the browser tests share: Debian's chromium, driven by node scripts in tests/browser
// (playwright-core) that take their settings as one JSON argument.

#include <filesystem>
#include <optional>
#include <string>

namespace tocsin::testing {

inline constexpr char kChromium[] = "/usr/bin/chromium";

// `name` as found in PATH, or nullopt.
std::optional<std::filesystem::path> find_program(const std::string& name);

// `text` as a JSON string, quotes included.
std::string json_string(const std::string& text);

}  // namespace tocsin::testing
