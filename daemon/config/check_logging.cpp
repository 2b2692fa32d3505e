#include <array>
#include <string_view>

#include "config/checks.h"
#include "config/quote.h"

namespace tocsin::config::checks {
namespace {

// spdlog's level names, in its order.
constexpr std::array<std::string_view, 7> kLevels = {"trace", "debug",    "info", "warn",
                                                     "error", "critical", "off"};

std::string level_list() {
  std::string list;
  for (std::string_view level : kLevels) {
    if (!list.empty()) list += ", ";
    list += level;
  }
  return list;
}

}  // namespace

void logging(const LoggingConfig& logging, Problems* problems) {
  const std::string& level = logging.level();
  bool known = level.empty();  // empty means the default
  for (std::string_view name : kLevels) known = known || level == name;
  if (!known) {
    problems->emplace_back(
        "logging.level", "unknown level " + in_quotes(level) + "; expected one of " + level_list());
  }
  // Empty means the default ("stderr"). A path is opened at startup, which reports its own
  // errors; here we only catch what can never be a file.
  const std::string& output = logging.output();
  if (!output.empty() && output.back() == '/') {
    problems->emplace_back(
        "logging.output",
        "must be \"stderr\" or a file path, got the directory " + in_quotes(output));
  } else if (output.find('\0') != std::string::npos) {
    problems->emplace_back("logging.output", "must not contain a NUL byte");
  }
}

}  // namespace tocsin::config::checks
