#pragma once
// A child process for integration tests: started at construction, its stdout and stderr
// captured in memory, killed (SIGKILL) and reaped at destruction if still running.

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <optional>
#include <regex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace tocsin::testing {

class Subprocess {
 public:
  struct Options {
    std::vector<std::string> argv{};  // argv[0] is looked up in PATH unless it holds a '/'
    std::vector<std::pair<std::string, std::string>> env_set{};  // added to ours, or replaced
    std::vector<std::string> env_unset{};                        // removed from ours
    std::filesystem::path cwd{};  // empty: the test's own working directory
  };

  // Starts the process, stdin from /dev/null. Throws std::runtime_error if it cannot.
  explicit Subprocess(Options options);
  ~Subprocess();
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  pid_t pid() const { return pid_; }
  // Sends `signal` if the process has not been reaped yet.
  void send_signal(int signal);
  // The exit code, or 128 + signal number if a signal killed it; nullopt on timeout. Once
  // it returns a value, the captured output is complete (unless a grandchild still holds
  // the pipes, then it is whatever arrived within a second).
  std::optional<int> wait_for_exit(std::chrono::milliseconds timeout);
  bool running();

  // The first stdout line (already captured or still to come) that std::regex_search
  // matches, without its newline; nullopt on timeout or if stdout closes without one.
  std::optional<std::string> wait_for_stdout_line(const std::regex& pattern,
                                                  std::chrono::milliseconds timeout);
  std::string stdout_text();
  std::string stderr_text();

 private:
  struct Stream {
    std::string text;
    bool closed = false;
  };
  void read_loop(int fd, Stream* stream);
  bool reap(bool block);  // true once the process has been reaped
  void wait_for_readers(std::chrono::milliseconds timeout);
  void stop_readers();

  pid_t pid_ = -1;
  std::optional<int> exit_code_;
  int pidfd_ = -1;    // for a timed wait on exit; -1 where the kernel has no pidfd_open
  int stop_fd_ = -1;  // eventfd that tells the readers to give up
  std::mutex mutex_;
  std::condition_variable changed_;
  Stream out_;
  Stream err_;
  std::thread out_reader_;
  std::thread err_reader_;
};

}  // namespace tocsin::testing
