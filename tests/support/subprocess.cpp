#include "tests/support/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <stdexcept>

extern char** environ;

namespace tocsin::testing {
namespace {

using Clock = std::chrono::steady_clock;

std::runtime_error system_error(const std::string& what, int error) {
  return std::runtime_error(what + ": " + std::strerror(error));
}

// Our environment with the requested changes, as "NAME=value" strings.
std::vector<std::string> child_environment(const Subprocess::Options& options) {
  std::map<std::string, std::string> vars;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    std::string text(*entry);
    auto eq = text.find('=');
    if (eq != std::string::npos) vars[text.substr(0, eq)] = text.substr(eq + 1);
  }
  for (const auto& name : options.env_unset) vars.erase(name);
  for (const auto& [name, value] : options.env_set) vars[name] = value;
  std::vector<std::string> out;
  for (const auto& [name, value] : vars) out.push_back(name + "=" + value);
  return out;
}

// Owns the spawn attributes for the duration of the constructor.
struct FileActions {
  FileActions() { posix_spawn_file_actions_init(&actions); }
  ~FileActions() { posix_spawn_file_actions_destroy(&actions); }
  posix_spawn_file_actions_t actions;
};

int decode_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

Subprocess::Subprocess(Options options) {
  if (options.argv.empty()) throw std::runtime_error("Subprocess: empty argv");
  int out_pipe[2];
  int err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0) throw system_error("pipe", errno);
  if (pipe2(err_pipe, O_CLOEXEC) != 0) {
    int error = errno;
    ::close(out_pipe[0]);
    ::close(out_pipe[1]);
    throw system_error("pipe", error);
  }

  FileActions files;
  posix_spawn_file_actions_addopen(&files.actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&files.actions, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&files.actions, err_pipe[1], 2);
  if (!options.cwd.empty()) {
    posix_spawn_file_actions_addchdir_np(&files.actions, options.cwd.c_str());
  }
  std::vector<char*> argv;
  for (auto& arg : options.argv) argv.push_back(arg.data());
  argv.push_back(nullptr);
  std::vector<std::string> env = child_environment(options);
  std::vector<char*> envp;
  for (auto& entry : env) envp.push_back(entry.data());
  envp.push_back(nullptr);

  // glibc's posix_spawnp reports a failed exec (e.g. not found) as its return value.
  int error = posix_spawnp(&pid_, argv[0], &files.actions, nullptr, argv.data(), envp.data());
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  if (error != 0) {
    ::close(out_pipe[0]);
    ::close(err_pipe[0]);
    pid_ = -1;
    throw system_error("cannot start " + options.argv[0], error);
  }
  pidfd_ = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
  stop_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  out_reader_ = std::thread([this, fd = out_pipe[0]] { read_loop(fd, &out_); });
  err_reader_ = std::thread([this, fd = err_pipe[0]] { read_loop(fd, &err_); });
}

Subprocess::~Subprocess() {
  if (!reap(false)) {
    ::kill(pid_, SIGKILL);
    reap(true);
  }
  wait_for_readers(std::chrono::seconds(1));
  stop_readers();
  out_reader_.join();
  err_reader_.join();
  if (pidfd_ >= 0) ::close(pidfd_);
  if (stop_fd_ >= 0) ::close(stop_fd_);
}

void Subprocess::read_loop(int fd, Stream* stream) {
  char buffer[4096];
  for (;;) {
    pollfd fds[2] = {{fd, POLLIN, 0}, {stop_fd_, POLLIN, 0}};
    int ready = ::poll(fds, stop_fd_ >= 0 ? 2 : 1, -1);
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0 || (fds[1].revents & POLLIN) != 0) break;
    ssize_t n = ::read(fd, buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    std::lock_guard lock(mutex_);
    stream->text.append(buffer, static_cast<size_t>(n));
    changed_.notify_all();
  }
  ::close(fd);
  std::lock_guard lock(mutex_);
  stream->closed = true;
  changed_.notify_all();
}

bool Subprocess::reap(bool block) {
  if (exit_code_) return true;
  int status = 0;
  pid_t result;
  do {
    result = ::waitpid(pid_, &status, block ? 0 : WNOHANG);
  } while (result < 0 && errno == EINTR);
  if (result != pid_) return false;
  exit_code_ = decode_status(status);
  return true;
}

void Subprocess::wait_for_readers(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, timeout, [this] { return out_.closed && err_.closed; });
}

void Subprocess::stop_readers() {
  if (stop_fd_ < 0) return;
  uint64_t one = 1;
  [[maybe_unused]] ssize_t n = ::write(stop_fd_, &one, sizeof(one));
}

void Subprocess::send_signal(int signal) {
  if (!reap(false)) ::kill(pid_, signal);
}

bool Subprocess::running() {
  return !reap(false);
}

std::optional<int> Subprocess::wait_for_exit(std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  while (!reap(false)) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return std::nullopt;
    if (pidfd_ >= 0) {
      // The pidfd becomes readable when the process exits: no polling loop needed.
      pollfd fd{pidfd_, POLLIN, 0};
      ::poll(&fd, 1, static_cast<int>(std::min<int64_t>(left.count(), 1000)));
    } else {
      std::this_thread::sleep_for(std::min(left, std::chrono::milliseconds(10)));
    }
  }
  wait_for_readers(std::chrono::seconds(1));
  return exit_code_;
}

std::optional<std::string> Subprocess::wait_for_stdout_line(const std::regex& pattern,
                                                            std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  size_t line_start = 0;  // lines before this one have been checked already
  std::unique_lock lock(mutex_);
  for (;;) {
    for (;;) {
      size_t end = out_.text.find('\n', line_start);
      // At end of output, a last line without its newline counts too.
      if (end == std::string::npos && !(out_.closed && line_start < out_.text.size())) break;
      if (end == std::string::npos) end = out_.text.size();
      std::string line = out_.text.substr(line_start, end - line_start);
      line_start = end + 1;
      if (std::regex_search(line, pattern)) return line;
    }
    if (out_.closed) return std::nullopt;
    if (changed_.wait_until(lock, deadline) == std::cv_status::timeout) {
      // One last look: the notification may have raced with the deadline.
      if (out_.text.find('\n', line_start) == std::string::npos && !out_.closed) {
        return std::nullopt;
      }
    }
  }
}

std::string Subprocess::stdout_text() {
  std::lock_guard lock(mutex_);
  return out_.text;
}

std::string Subprocess::stderr_text() {
  std::lock_guard lock(mutex_);
  return err_.text;
}

}  // namespace tocsin::testing
