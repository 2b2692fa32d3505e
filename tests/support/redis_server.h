#pragma once
// A real redis-server for integration tests: loopback TCP on a free port plus a unix
// socket, its data in a private temporary directory, AOF on (appendfsync everysec) so a
// test can kill it and find its data again after start().

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"

namespace tocsin::testing {

class RedisServer {
 public:
  struct Options {
    std::string password;  // requirepass, when not empty
    // Added to the command line, e.g. {"--key-load-delay", "100"} to make loading slow.
    std::vector<std::string> extra_args;
    // start() returns once the server answers, even LOADING (still reading its data), so
    // a test sees what clients see while it loads. Default: once it answers PONG.
    bool ready_while_loading = false;
    // Cluster mode (cluster-enabled yes, its nodes.conf in the server's directory), on a
    // port whose bus port (+10000) is free too. The node owns no slot until told to
    // (CLUSTER ADDSLOTSRANGE).
    bool cluster = false;
    // Words put before redis-server's command line, to run it under a profiler (a bench's
    // "valgrind --tool=callgrind ..."). Empty: redis-server alone.
    std::vector<std::string> prefix;
  };

  // Starts the server and waits (up to ~10 s) until it answers PING. Throws on failure.
  RedisServer() : RedisServer(Options{}) {}
  explicit RedisServer(Options options);
  ~RedisServer();
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  // SIGKILL, like a crash: no final AOF flush beyond what everysec already wrote.
  void kill();
  // SIGTERM and wait: a clean shutdown.
  void stop();
  // Starts it again on the same port and directory, so it reloads its AOF.
  void start();
  bool running() const { return process_ != nullptr; }
  // The server's process (the profiler's, with a prefix); -1 when not running.
  pid_t pid() const;

  uint16_t port() const { return port_; }
  std::string url() const;  // "redis://127.0.0.1:PORT" (no password)
  std::filesystem::path unix_socket_path() const;
  const std::filesystem::path& dir() const { return dir_.path(); }

 private:
  void wait_until_ready();

  Options options_;
  TempDir dir_;
  uint16_t port_;
  std::unique_ptr<Subprocess> process_;
};

}  // namespace tocsin::testing
