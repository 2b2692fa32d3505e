#include "io/line_writer.h"

#include <fcntl.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace tocsin::io {
namespace {

constexpr int kStdout = 1;

adapters::GatewayResponse failure(int error, const std::string& what, const std::string& path) {
  adapters::GatewayResponse response;
  response.transport_error = error;
  response.transport_message = what + " " + path + ": " + std::strerror(error);
  return response;
}

// Writes all of iov, going on after a short write or a signal. Returns 0 or an errno.
int write_fully(int fd, iovec* iov, int count) {
  while (count > 0) {
    const ssize_t written = ::writev(fd, iov, count);
    if (written < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    size_t left = static_cast<size_t>(written);
    while (count > 0 && left >= iov->iov_len) {
      left -= iov->iov_len;
      ++iov;
      --count;
    }
    if (count > 0) {
      iov->iov_base = static_cast<char*>(iov->iov_base) + left;
      iov->iov_len -= left;
    }
  }
  return 0;
}

}  // namespace

LineWriter::~LineWriter() {
  for (const auto& [path, fd] : files_) {
    if (fd != kStdout) ::close(fd);
  }
}

int LineWriter::fd_for(const std::string& path) {
  if (path == "-") return kStdout;
  if (auto it = files_.find(path); it != files_.end()) return it->second;
  int fd;
  do {
    fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  } while (fd < 0 && errno == EINTR);
  if (fd >= 0) files_.emplace(path, fd);
  return fd;
}

adapters::GatewayResponse LineWriter::write(const adapters::LocalWrite& request) {
  if (request.line.find('\n') != std::string::npos) {
    adapters::GatewayResponse response;
    response.transport_error = EINVAL;
    response.transport_message = "the line holds a newline";
    return response;
  }
  const int fd = fd_for(request.path);
  if (fd < 0) return failure(errno, "open", request.path);
  char newline = '\n';
  iovec iov[2] = {{const_cast<char*>(request.line.data()), request.line.size()}, {&newline, 1}};
  if (int error = write_fully(fd, iov, 2); error != 0) {
    // Start afresh next time: the file may have been replaced or its disk remounted.
    if (fd != kStdout) {
      ::close(fd);
      files_.erase(request.path);
    }
    return failure(error, "write", request.path);
  }
  return {};
}

void LineWriter::reopen() {
  for (const auto& [path, fd] : files_) {
    if (fd != kStdout) ::close(fd);
  }
  files_.clear();
}

}  // namespace tocsin::io
