#include "tests/support/browser.h"

#include <unistd.h>

#include <cstdlib>
#include <sstream>

#include "tests/support/subprocess.h"

namespace tocsin::testing {

std::optional<std::filesystem::path> find_program(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path ? path : "");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    const std::filesystem::path candidate = std::filesystem::path(dir) / name;
    if (!dir.empty() && ::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return std::nullopt;
}

std::string json_string(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

namespace {

const std::filesystem::path kBrowserTests =
    std::filesystem::path(TOCSIN_SOURCE_DIR) / "tests" / "browser";

}  // namespace

std::string browser_missing() {
  if (!find_program("node") || ::access(kChromium, X_OK) != 0) {
    return std::string("the browser tests need node and ") + kChromium +
           " (daemon/install-deps.sh --tests installs them)";
  }
  if (!std::filesystem::exists(kBrowserTests / "node_modules" / "playwright-core" /
                               "package.json")) {
    return "playwright-core is not installed: run `npm ci` in tests/browser (tests/run.sh does)";
  }
  return "";
}

bool BrowserRun::passed() const {
  return exit_code == std::optional<int>(0) &&
         (out.starts_with("PASS\n") || out.find("\nPASS") != std::string::npos);
}

std::vector<std::string> BrowserRun::lines_starting(std::string_view prefix) const {
  std::vector<std::string> lines;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with(prefix)) lines.push_back(line);
  }
  return lines;
}

BrowserRun run_browser_script(const std::string& script, const std::string& settings,
                              std::chrono::seconds timeout) {
  Subprocess browser(
      {.argv = {find_program("node")->string(), (kBrowserTests / script).string(), settings},
       .cwd = kBrowserTests});
  BrowserRun run;
  run.exit_code = browser.wait_for_exit(timeout);
  run.out = browser.stdout_text();
  run.err = browser.stderr_text();
  return run;
}

}  // namespace tocsin::testing
