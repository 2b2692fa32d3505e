#include "tests/support/daemon_process.h"

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "tests/support/http_client.h"

namespace tocsin::testing {
namespace {

// TOCSIN_TEST_DAEMON_PREFIX: words put before tocsind's own command line (split on spaces),
// to run the daemon of a test or bench under a profiler, e.g.
// "valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.%p". Empty: tocsind alone.
std::vector<std::string> daemon_prefix() {
  std::vector<std::string> words;
  const char* prefix = std::getenv("TOCSIN_TEST_DAEMON_PREFIX");
  if (prefix == nullptr) return words;
  std::istringstream in(prefix);
  for (std::string word; in >> word;) words.push_back(word);
  return words;
}

}  // namespace

DaemonProcess::DaemonProcess(Options options) {
  prefixed_ = !daemon_prefix().empty();
  config_path_ = dir_.path() / "tocsin.conf";
  std::ofstream(config_path_) << "http {\n  listen: \"127.0.0.1:" << options.port << "\"\n  "
                              << options.http_fields << "\n}\n"
                              << "redis {\n  "
                              << (options.redis_fields.empty()
                                      ? "url: \"" + options.redis_url + "\""
                                      : options.redis_fields)
                              << "\n"
                              << "  reconnect_min_delay_ms: 20\n"
                              << "  reconnect_max_delay_ms: 200\n"
                              << "  health_check_interval_ms: 200\n"
                              << "  command_timeout_ms: 2000\n}\n"
                              << "logging { level: \"debug\" }\n"
                              << options.extra_config << "\n";
  Subprocess::Options spawn;
  spawn.argv = daemon_prefix();
  for (std::string word :
       {std::string(TOCSIN_TOCSIND_PATH), std::string("--config"), config_path_.string()}) {
    spawn.argv.push_back(std::move(word));
  }
  if (options.test_clock) spawn.argv.push_back("--test-clock");
  spawn.env_set = options.env;
  spawn.env_unset = {"TOCSIN_REDIS_URL", "TOCSIN_LISTEN", "NOTIFY_SOCKET", "WATCHDOG_USEC"};
  spawn.cwd = dir_.path();
  process_ = std::make_unique<Subprocess>(spawn);
  static const std::regex listening(R"(listening on (http://[^:]+:(\d+)))");
  // A profiler takes its time to load the binary.
  auto line = process_->wait_for_stdout_line(listening, std::chrono::seconds(prefixed_ ? 120 : 10));
  if (!line) {
    throw std::runtime_error("tocsind did not start: " + process_->stderr_text());
  }
  std::smatch match;
  std::regex_search(*line, match, listening);
  base_url_ = match[1];
  port_ = static_cast<uint16_t>(std::stoi(match[2]));
  // tocsind listens before its Redis connections are up, and answers "not ready" (503)
  // until they are: a test starts once it is ready, as a load balancer would send it work.
  // A test that starts it without Redis waits out the limit and goes on.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(prefixed_ ? 30 : 3);
  while (std::chrono::steady_clock::now() < deadline &&
         http_get(base_url_ + "/readyz").status != 200) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));  // polling a condition
  }
}

DaemonProcess::~DaemonProcess() {
  // Under a profiler, stop the daemon the way systemd does, so that the tool writes its
  // figures at exit (the Subprocess would SIGKILL it).
  if (prefixed_ && process_) {
    process_->send_signal(SIGTERM);
    process_->wait_for_exit(std::chrono::seconds(120));
  }
}

std::string DaemonProcess::bootstrap_admin(const std::string& name) {
  auto result = run_command(
      {TOCSIN_TOCSIND_PATH, "--config", config_path_.string(), "--bootstrap-admin", name});
  if (result.exit_code != 0) throw std::runtime_error("bootstrap failed: " + result.err);
  std::string token = result.out;
  while (!token.empty() && token.back() == '\n') token.pop_back();
  return token;
}

std::string DaemonProcess::create_token(const std::string& admin, const std::string& json) {
  auto response = http_request("POST", base_url_ + "/v1/tokens", json, bearer(admin));
  EXPECT_EQ(response.status, 201) << response.body;
  std::smatch match;
  std::regex_search(response.body, match, std::regex(R"re("token":"([^"]+)")re"));
  return match[1];
}

CommandResult run_command(std::vector<std::string> argv,
                          std::vector<std::pair<std::string, std::string>> env) {
  Subprocess::Options spawn;
  spawn.argv = std::move(argv);
  spawn.env_set = std::move(env);
  Subprocess process(spawn);
  CommandResult result;
  auto code = process.wait_for_exit(std::chrono::seconds(30));
  result.exit_code = code.value_or(-1);
  result.out = process.stdout_text();
  result.err = process.stderr_text();
  return result;
}

}  // namespace tocsin::testing
