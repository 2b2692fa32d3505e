#include "spool/spool_directory.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <system_error>

#include "spool/spool_record.h"

namespace tocsin::spool {
namespace fs = std::filesystem;

namespace {

constexpr std::string_view kSegmentSuffix = ".spool";
constexpr int kSegmentDigits = 20;

std::string errno_text(int error) {
  return std::system_category().message(error);
}

[[noreturn]] void fail(const std::string& what, const fs::path& path, int error) {
  throw std::runtime_error("cannot " + what + " " + path.string() + ": " + errno_text(error));
}

// The number of a segment file's name, or nullopt for any other file.
std::optional<uint64_t> segment_number(const std::string& name) {
  if (name.size() != kSegmentDigits + kSegmentSuffix.size() || !name.ends_with(kSegmentSuffix)) {
    return std::nullopt;
  }
  uint64_t number = 0;
  const char* end = name.data() + kSegmentDigits;
  auto [ptr, ec] = std::from_chars(name.data(), end, number);
  if (ec != std::errc() || ptr != end) return std::nullopt;
  return number;
}

void fsync_directory(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

std::optional<Position> read_cursor(const fs::path& file) {
  std::ifstream in(file);
  Position cursor;
  if (!(in >> cursor.segment >> cursor.offset)) return std::nullopt;
  return cursor;
}

}  // namespace

bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

SpoolDirectory::SpoolDirectory(fs::path path) : path_(std::move(path)) {
  if (::mkdir(path_.c_str(), 0700) != 0 && errno != EEXIST)
    fail("create the spool directory", path_, errno);
  struct stat info {};
  if (::stat(path_.c_str(), &info) != 0) fail("read the spool directory", path_, errno);
  if (!S_ISDIR(info.st_mode)) {
    throw std::runtime_error("the spool directory " + path_.string() + " is not a directory");
  }
  const fs::path lock = path_ / "lock";
  lock_fd_ = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock_fd_ < 0) fail("open", lock, errno);
  if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    ::close(lock_fd_);
    lock_fd_ = -1;
    if (error == EWOULDBLOCK) {
      throw std::runtime_error("the spool directory " + path_.string() +
                               " is in use by another tocsind; each daemon needs its own");
    }
    fail("lock", lock, error);
  }
}

SpoolDirectory::~SpoolDirectory() {
  if (lock_fd_ >= 0) ::close(lock_fd_);  // releases the flock
}

fs::path SpoolDirectory::segment_path(uint64_t number) const {
  char name[kSegmentDigits + 1];
  std::snprintf(name, sizeof name, "%020llu", static_cast<unsigned long long>(number));
  return path_ / (std::string(name) + std::string(kSegmentSuffix));
}

Recovered SpoolDirectory::recover() {
  Recovered recovered;
  std::vector<uint64_t> numbers;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(path_, error)) {
    if (auto number = segment_number(entry.path().filename().string())) numbers.push_back(*number);
  }
  if (error) fail("list the spool directory", path_, error.value());
  std::sort(numbers.begin(), numbers.end());

  const auto saved = read_cursor(path_ / "cursor");
  // The segments before the cursor's were replayed whole (a crash came before their removal).
  while (saved && !numbers.empty() && numbers.front() < saved->segment) {
    remove_segment(numbers.front());
    numbers.erase(numbers.begin());
  }
  std::vector<std::vector<RecordSpan>> records;
  for (size_t i = 0; i < numbers.size(); ++i) {
    const fs::path file = segment_path(numbers[i]);
    const std::string data = read(numbers[i], 0, UINT64_MAX);
    ScanResult scan = scan_records(data);
    if (!scan.problem.empty()) {
      const bool last = i + 1 == numbers.size();
      if (::truncate(file.c_str(), static_cast<off_t>(scan.valid_end)) != 0) {
        fail("cut the damaged end off", file, errno);
      }
      recovered.problems.push_back(file.string() + ": " + scan.problem + "; cut off at byte " +
                                   std::to_string(scan.valid_end) +
                                   (last ? " (a write a crash interrupted, never acknowledged)"
                                         : " (damage in the middle of the spool: " +
                                               std::to_string(data.size() - scan.valid_end) +
                                               " bytes lost)"));
    }
    recovered.segments.push_back({numbers[i], scan.valid_end});
    recovered.bytes += scan.valid_end;
    records.push_back(std::move(scan.records));
  }

  // Replay resumes at the saved cursor when it is a record's start in a segment we have,
  // else at the start of the first segment: replaying again is harmless.
  recovered.cursor = {numbers.empty() ? (saved ? saved->segment : 1) : numbers.front(), 0};
  if (saved && !numbers.empty() && saved->segment == numbers.front()) {
    const auto& first = records.front();
    const bool at_start =
        saved->offset == 0 || std::any_of(first.begin(), first.end(), [&](const RecordSpan& span) {
          return span.end == saved->offset;
        });
    if (at_start) recovered.cursor = *saved;
  }
  for (size_t i = 0; i < records.size(); ++i) {
    for (const RecordSpan& span : records[i]) {
      if (Position{numbers[i], span.end} > recovered.cursor) ++recovered.pending_records;
    }
  }
  return recovered;
}

int SpoolDirectory::create_segment(uint64_t number) {
  const fs::path file = segment_path(number);
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0600);
  if (fd >= 0) fsync_directory(path_);
  return fd;
}

std::string SpoolDirectory::read(uint64_t number, uint64_t from, uint64_t to) const {
  const fs::path file = segment_path(number);
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail("open", file, errno);
  std::string data;
  char buffer[64 * 1024];
  uint64_t at = from;
  while (at < to) {
    const size_t want = static_cast<size_t>(std::min<uint64_t>(sizeof buffer, to - at));
    const ssize_t n = ::pread(fd, buffer, want, static_cast<off_t>(at));
    if (n < 0) {
      if (errno == EINTR) continue;
      const int error = errno;
      ::close(fd);
      fail("read", file, error);
    }
    if (n == 0) break;
    data.append(buffer, static_cast<size_t>(n));
    at += static_cast<uint64_t>(n);
  }
  ::close(fd);
  return data;
}

void SpoolDirectory::remove_segment(uint64_t number) {
  std::error_code ignored;  // gone already: what was wanted
  fs::remove(segment_path(number), ignored);
}

void SpoolDirectory::save_cursor(Position cursor) {
  const fs::path temporary = path_ / "cursor.new";
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return;  // replay then resumes from an older cursor: harmless
  const std::string text =
      std::to_string(cursor.segment) + " " + std::to_string(cursor.offset) + "\n";
  const bool written = write_all(fd, text);
  ::close(fd);
  if (written) ::rename(temporary.c_str(), (path_ / "cursor").c_str());
}

bool SpoolDirectory::set_aside(std::string_view frame) {
  const fs::path file = path_ / "set-aside.spool";
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  const bool ok = write_all(fd, frame) && ::fdatasync(fd) == 0;
  const int error = errno;
  ::close(fd);
  errno = error;
  return ok;
}

}  // namespace tocsin::spool
