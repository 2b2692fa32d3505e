#pragma once
// A real tocsind for integration tests: writes a config into a temporary directory, starts
// the binary on a free port (listen port 0, or the one given), and waits for the line where it says
// where it listens.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"

namespace tocsin::testing {

// Polls `condition` until it holds or `timeout` passes; true if it held. For states only
// observable from outside (an HTTP answer), where there is nothing to block on.
template <class Condition>
bool eventually(Condition condition, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

class DaemonProcess {
 public:
  struct Options {
    std::string redis_url;
    // Text-format fields of the generated redis { } block in place of url, e.g. a
    // "sentinel { ... }" (tests/support/redis_sentinels.h).
    std::string redis_fields;
    // The port to listen on; 0: one the kernel picks. Set it (tests/support/ports.h) when
    // a peer started first must know the daemon's address, like Kannel's get-url.
    uint16_t port = 0;
    // Text-format fields added inside the generated http { } block, e.g.
    // "max_body_bytes: 100". The generated block sets only listen.
    std::string http_fields;
    // Top-level text-format blocks added to the config, e.g. "lifecycle { ... }". The
    // generated config has http, redis (url and a fast reconnect) and logging.
    std::string extra_config;
    std::vector<std::pair<std::string, std::string>> env;
    // tocsind --test-clock: its time runs ahead by the ms in Redis key test:clock_offset_ms
    // (app/test_clock.h), for tests of due times, quiet hours and expiry.
    bool test_clock = false;
  };

  // Starts tocsind and returns once it listens and is ready (/readyz answers 200), or 3 s
  // later when it stays not ready (started without its Redis, on purpose).
  explicit DaemonProcess(Options options);
  // Under TOCSIN_TEST_DAEMON_PREFIX (daemon_process.cpp), stops tocsind with SIGTERM and
  // waits for it; otherwise the Subprocess kills it.
  ~DaemonProcess();
  DaemonProcess(const DaemonProcess&) = delete;
  DaemonProcess& operator=(const DaemonProcess&) = delete;

  const std::string& base_url() const { return base_url_; }
  uint16_t port() const { return port_; }
  Subprocess& process() { return *process_; }
  const std::filesystem::path& config_path() const { return config_path_; }

  // tocsind --config <this config> --bootstrap-admin NAME: the token it printed.
  std::string bootstrap_admin(const std::string& name);
  // POST /v1/tokens with `json` (e.g. {"name":"Luc","role":"executive"}) as the admin
  // token `admin`: the new token. A failed test when the answer is not 201.
  std::string create_token(const std::string& admin, const std::string& json);

 private:
  TempDir dir_;
  std::filesystem::path config_path_;
  std::unique_ptr<Subprocess> process_;
  bool prefixed_ = false;  // run under TOCSIN_TEST_DAEMON_PREFIX
  std::string base_url_;
  uint16_t port_ = 0;
};

// Runs `tocsin` (or tocsind with TOCSIN_TOCSIND_PATH) to completion.
struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};
CommandResult run_command(std::vector<std::string> argv,
                          std::vector<std::pair<std::string, std::string>> env = {});

}  // namespace tocsin::testing
