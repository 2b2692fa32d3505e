#include "cli/files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "cli/api_client.h"

namespace tocsin::cli {
namespace {

// Closes the descriptor however read_file leaves.
struct Descriptor {
  int fd;
  ~Descriptor() {
    if (fd >= 0) ::close(fd);
  }
};

// "1 MiB", "200 MiB"; bytes when the bound is not a whole number of MiB.
std::string size_text(uint64_t bytes) {
  const uint64_t mib = bytes >> 20;
  return mib > 0 && (mib << 20) == bytes ? std::to_string(mib) + " MiB"
                                         : std::to_string(bytes) + " bytes";
}

}  // namespace

std::string read_file(const std::string& path, uint64_t max_bytes) {
  // O_NONBLOCK: opening a FIFO must not wait for a writer before it is refused.
  const Descriptor file{::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK)};
  if (file.fd < 0) throw CommandError(2, path + ": cannot read: " + std::strerror(errno));
  struct stat status {};
  if (::fstat(file.fd, &status) != 0) {
    throw CommandError(2, path + ": cannot read: " + std::strerror(errno));
  }
  if (!S_ISREG(status.st_mode)) throw CommandError(2, path + ": not a regular file");
  const auto too_large = [&] {
    return CommandError(2, path + ": larger than " + size_text(max_bytes));
  };
  if (static_cast<uint64_t>(status.st_size) > max_bytes) throw too_large();

  // The size may change while we read (a file still being written): read at most one
  // byte past the bound, whatever fstat said.
  std::string content;
  content.reserve(static_cast<size_t>(status.st_size));
  char buffer[65536];
  for (;;) {
    const ssize_t n = ::read(file.fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw CommandError(2, path + ": cannot read: " + std::strerror(errno));
    if (n == 0) break;
    if (content.size() + static_cast<size_t>(n) > max_bytes) throw too_large();
    content.append(buffer, static_cast<size_t>(n));
  }
  return content;
}

}  // namespace tocsin::cli
