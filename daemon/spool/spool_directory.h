#pragma once
// The spool's directory on disk, with blocking calls only: the spool (spool.h) makes them
// at start and from its writer thread, never from the event loop, except read(), a read of
// the page cache.
//
//   <directory>/lock                   flock(2)ed while a tocsind uses the directory
//   <directory>/<20-digit number>.spool segments of records (spool_record.h), oldest first
//   <directory>/cursor                 "<segment> <offset>": where replay stands
//   <directory>/set-aside.spool         records that could not be applied, kept for a person
//
// Files are created mode 0600 and the directory 0700: they hold members' phone numbers
// and words.

#include <compare>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace tocsin::spool {

// A place in the spool: a byte offset in a segment.
struct Position {
  uint64_t segment = 0;
  uint64_t offset = 0;
  auto operator<=>(const Position&) const = default;
};

// A segment's number and the bytes of whole records it holds.
struct Segment {
  uint64_t number = 0;
  uint64_t size = 0;
};

// What start found: the segments (a torn tail cut off), where replay stands, and how many
// records are still to replay.
struct Recovered {
  std::vector<Segment> segments;
  Position cursor;
  uint64_t pending_records = 0;
  uint64_t bytes = 0;
  // Damage found and what was done about it, one sentence each, for the log.
  std::vector<std::string> problems;
};

// Writes all of `data` to `fd` (short writes and EINTR retried): false with errno set.
bool write_all(int fd, std::string_view data);

class SpoolDirectory {
 public:
  // Creates the directory (0700) if absent and locks it. Throws std::runtime_error with a
  // sentence for the person who deploys: what failed, on which path, why.
  explicit SpoolDirectory(std::filesystem::path path);
  ~SpoolDirectory();
  SpoolDirectory(const SpoolDirectory&) = delete;
  SpoolDirectory& operator=(const SpoolDirectory&) = delete;

  const std::filesystem::path& path() const { return path_; }

  // Reads every segment, cuts a torn record off the end of the last one, removes the
  // segments replay has finished with.
  Recovered recover();

  // A new, empty segment, opened for appending (the directory fsync'd so that it survives
  // a crash): its file descriptor, or -1 with errno set.
  int create_segment(uint64_t number);
  // The bytes [from, to) of a segment; fewer if the file is shorter. Throws on failure.
  std::string read(uint64_t number, uint64_t from, uint64_t to) const;
  void remove_segment(uint64_t number);
  // Written to a temporary file then renamed over the cursor: a crash leaves the old one
  // or the new one. Not fsync'd: an old cursor only replays records again, which the
  // providers' message ids make harmless (spool.h).
  void save_cursor(Position cursor);
  // Appends the framed record to set-aside.spool and fsyncs it. False on failure (errno).
  bool set_aside(std::string_view frame);

 private:
  std::filesystem::path segment_path(uint64_t number) const;

  std::filesystem::path path_;
  int lock_fd_ = -1;
};

}  // namespace tocsin::spool
