#include "config/read_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace tocsin::config {
namespace {

// Configs and secrets are a few kilobytes; a cap keeps a mistake like --config /dev/zero
// from eating memory forever.
constexpr size_t kMaxFileBytes = 16 * 1024 * 1024;

class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

bool read_small_file(const std::filesystem::path& path, std::string* contents, std::string* error) {
  FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    *error = std::strerror(errno);
    return false;
  }
  std::string data;
  char buffer[8192];
  for (;;) {
    ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      *error = std::strerror(errno);  // EISDIR for a directory lands here
      return false;
    }
    if (n == 0) break;
    if (data.size() + static_cast<size_t>(n) > kMaxFileBytes) {
      *error = "larger than " + std::to_string(kMaxFileBytes) + " bytes";
      return false;
    }
    data.append(buffer, static_cast<size_t>(n));
  }
  *contents = std::move(data);
  return true;
}

}  // namespace tocsin::config
