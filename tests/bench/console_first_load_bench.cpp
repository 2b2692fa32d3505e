// The officers' console's first load on a slow phone network (issue 17's target: usable in
// under 3 s at 400 kbit/s and 400 ms a round trip), on a real redis-server and tocsind with
// a small roster and one alert sent, measured in Debian's chromium by
// tests/browser/console_first_load.mjs (see there what is timed and how).
//
//   console_first_load_bench [ROUNDS=3]

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "tests/support/alert_scenario.h"
#include "tests/support/browser.h"
#include "tests/support/daemon_process.h"
#include "tests/support/sign_in.h"
#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"

int main(int argc, char** argv) {
  using namespace tocsin;
  using namespace std::chrono_literals;
  namespace fs = std::filesystem;
  const int rounds = argc > 1 ? std::stoi(argv[1]) : 3;
  const fs::path browser_tests = fs::path(TOCSIN_SOURCE_DIR) / "tests" / "browser";
  const auto node = testing::find_program("node");
  if (!node || ::access(testing::kChromium, X_OK) != 0 ||
      !fs::exists(browser_tests / "node_modules" / "playwright-core")) {
    std::fprintf(stderr, "needs node, %s and playwright-core (npm ci in tests/browser)\n",
                 testing::kChromium);
    return 2;
  }
  testing::TempDir dir;
  const fs::path sms_file = dir.path() / "sms.jsonl";
  testing::AlertScenario scenario(
      {.gateways = "gateways { name: \"sms\" rate_per_second: 500 file { channel: \"sms\" "
                   "path: \"" +
                   sms_file.string() + "\" } }\n"});
  testing::RosterOptions roster;
  roster.members = 200;
  scenario.import_roster(roster);
  scenario.send_and_wait(
      testing::alert_json("SMS", R"({"sms":"{first_name}, assemblée. OUI {code}"})"), 60s);
  const std::string session = testing::session_by_code(
      scenario.daemon(), scenario.token(),
      R"({"name":"Exécutif","role":"executive","mobile":"+15145550102"})", "+15145550102", [&] {
        std::vector<std::string> lines;
        std::ifstream in(sms_file);
        for (std::string line; std::getline(in, line);) {
          if (line.find("+15145550102") != std::string::npos) lines.push_back(line);
        }
        return lines;
      });
  if (session.empty()) {
    std::fprintf(stderr, "could not sign in\n");
    return 1;
  }
  const std::string settings = "{\"url\":" + testing::json_string(scenario.daemon().base_url()) +
                               ",\"chromium\":" + testing::json_string(testing::kChromium) +
                               ",\"session\":" + testing::json_string(session) +
                               ",\"rounds\":" + std::to_string(rounds) + "}";
  testing::Subprocess browser(
      {.argv = {node->string(), (browser_tests / "console_first_load.mjs").string(), settings},
       .cwd = browser_tests});
  const auto exit_code = browser.wait_for_exit(600s);
  std::cout << browser.stdout_text();
  if (exit_code != std::optional<int>(0)) std::cerr << browser.stderr_text();
  return exit_code.value_or(1);
}
