#pragma once
// A durable first-in first-out queue of records on local disk, for what the daemon must not
// lose while Redis is unreachable: members' replies and delivery receipts (api/hook_intake.h).
// A provider that got 200 does not send again (Twilio never retries an inbound message), so
// append() completes only once its record is on disk (fdatasync); replay takes the records
// in order (next(), release()) once Redis is back.
//
// The disk work runs on a thread of its own: an fdatasync takes milliseconds, which the
// event loop must not wait for. Appends that come while one is being written are written
// together and synced once (group commit). Everything else (what is on disk, the cursor,
// the counts) lives on the event loop's thread, which alone calls this class.
//
// Bounded: past max_bytes of segments an append answers `full` without touching the disk.
// A record replayed twice (a crash before its cursor was saved) is the caller's to make
// harmless; the hooks are, by the providers' message ids (api/hook_intake.h).

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "spool/spool_directory.h"
#include "util/result.h"

namespace tocsin::spool {

struct SpoolOptions {
  std::filesystem::path directory;
  uint64_t max_bytes = 256ull << 20;
  // A new segment is begun past this size; a segment is removed once replayed whole.
  uint64_t segment_bytes = 8ull << 20;
};

enum class Appended {
  kept,  // on disk
  full,  // not written: the spool holds max_bytes already
};

// A record to replay, and the place just after it (for release()).
struct SpoolEntry {
  std::string payload;
  Position after;
};

class Spool {
 public:
  // Opens the directory (creating it), recovers what a previous run left (spool_directory.h)
  // and starts the writer thread. Throws std::runtime_error with a sentence for the log.
  Spool(boost::asio::any_io_executor executor, SpoolOptions options);
  // Stops the writer thread once it has written what was handed to it.
  ~Spool();
  Spool(const Spool&) = delete;
  Spool& operator=(const Spool&) = delete;

  // Appends one record (1 byte to 1 MiB). An error is the disk's (errno): nothing was kept.
  boost::asio::awaitable<Result<Appended>> append(std::string payload);

  // Records kept and not yet released, or appends on their way to the disk: while it holds,
  // a new arrival must queue behind them to keep the order.
  bool holding() const { return pending_ > 0 || appending_ > 0; }
  uint64_t pending_records() const { return pending_; }
  uint64_t bytes() const { return bytes_; }
  uint64_t max_bytes() const { return options_.max_bytes; }
  const std::filesystem::path& directory() const { return directory_.path(); }
  // What start found damaged and cut off, for the log.
  const std::vector<std::string>& recovery_problems() const { return recovery_problems_; }

  // Called after each append kept, to wake whoever replays.
  void on_appended(std::function<void()> callback) { on_appended_ = std::move(callback); }

  // Up to `max` records from the first one not released, in the order they were appended.
  // The same ones again until they are released.
  std::vector<SpoolEntry> next(size_t max);
  // The record that ends at `after`, and every one before it, are done with.
  void release(Position after);
  // Saves where replay stands and removes the segments it has finished: after a batch.
  void checkpoint();
  // Keeps a record that cannot be applied in set-aside.spool for a person, and releases it.
  boost::asio::awaitable<bool> set_aside(const SpoolEntry& entry);

 private:
  struct Writer;
  struct Written;
  void on_written(const Written& written);

  boost::asio::any_io_executor executor_;
  SpoolOptions options_;
  SpoolDirectory directory_;
  std::vector<std::string> recovery_problems_;
  std::function<void()> on_appended_;
  // On disk, oldest first: what replay reads (whole records only, synced).
  std::deque<Segment> segments_;
  Position cursor_;
  uint64_t pending_ = 0;
  uint64_t appending_ = 0;
  uint64_t bytes_ = 0;  // segments on disk plus appends on their way
  std::shared_ptr<Writer> writer_;
};

}  // namespace tocsin::spool
