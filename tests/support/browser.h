#pragma once
// What the browser tests share: Debian's chromium, driven by node scripts in tests/browser
// (playwright-core) that take their settings as one JSON argument.

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tocsin::testing {

inline constexpr char kChromium[] = "/usr/bin/chromium";

// `name` as found in PATH, or nullopt.
std::optional<std::filesystem::path> find_program(const std::string& name);

// `text` as a JSON string, quotes included.
std::string json_string(const std::string& text);

// Why the browser tests cannot run on this machine (node, chromium or playwright-core
// missing, and what installs them), or "" when they can.
std::string browser_missing();

// What a browser script did.
struct BrowserRun {
  std::optional<int> exit_code;  // nullopt: still running at the timeout, then killed
  std::string out;
  std::string err;
  // Exit 0 and a "PASS" line: what every script prints when all its checks held.
  bool passed() const;
  // The lines of stdout that start with `prefix` ("ACTIONS "), for the test's own output.
  std::vector<std::string> lines_starting(std::string_view prefix) const;
};

// Runs `node tests/browser/<script> <settings>` in tests/browser, for up to `timeout`.
BrowserRun run_browser_script(const std::string& script, const std::string& settings,
                              std::chrono::seconds timeout);

}  // namespace tocsin::testing
