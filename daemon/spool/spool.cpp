#include "spool/spool.h"

#include <fcntl.h>
#include <unistd.h>

#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

#include "spool/spool_record.h"

namespace tocsin::spool {
namespace asio = boost::asio;

namespace {

// Where an appending coroutine waits for the writer thread's answer.
struct Wait {
  explicit Wait(const asio::any_io_executor& executor) : timer(executor) {}
  asio::steady_timer timer;
  std::optional<int> error;  // set (0 = written) on the event loop's thread, then woken
};

asio::awaitable<int> wait_for(std::shared_ptr<Wait> wait) {
  if (!wait->error) {
    wait->timer.expires_at(asio::steady_timer::time_point::max());
    boost::system::error_code ignored;
    co_await wait->timer.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
  }
  co_return wait->error.value_or(ECANCELED);
}

void finish(const std::shared_ptr<Wait>& wait, int error) {
  wait->error = error;
  wait->timer.cancel();
}

}  // namespace

// What the writer thread did with a group of appends.
struct Spool::Written {
  uint64_t segment = 0;
  uint64_t start = 0;  // the segment's size before them
  uint64_t bytes = 0;
  int error = 0;
  std::vector<std::shared_ptr<Wait>> waits;
};

struct Spool::Writer {
  struct Job {
    enum class Kind { append, keep, set_aside } kind = Kind::append;
    std::string frame;             // append, set_aside
    std::shared_ptr<Wait> wait;    // append, set_aside
    Position cursor;               // keep
    std::vector<uint64_t> remove;  // keep: segments replayed whole
  };

  Writer(SpoolDirectory& directory, uint64_t segment_bytes, uint64_t first_number,
         asio::any_io_executor executor)
      : directory(directory),
        segment_bytes(segment_bytes),
        executor(std::move(executor)),
        next_number(first_number) {}

  void push(Job job) {
    {
      std::lock_guard lock(mutex);
      jobs.push_back(std::move(job));
    }
    wake.notify_one();
  }

  void stop() {
    {
      std::lock_guard lock(mutex);
      stopping = true;
    }
    wake.notify_one();
    if (thread.joinable()) thread.join();
  }

  void run() {
    for (;;) {
      std::deque<Job> batch;
      {
        std::unique_lock lock(mutex);
        wake.wait(lock, [this] { return stopping || !jobs.empty(); });
        if (jobs.empty()) break;
        batch.swap(jobs);
      }
      while (!batch.empty()) {
        if (batch.front().kind == Job::Kind::append) {
          std::vector<Job> group;
          while (!batch.empty() && batch.front().kind == Job::Kind::append) {
            group.push_back(std::move(batch.front()));
            batch.pop_front();
          }
          write_group(group);
          continue;
        }
        Job job = std::move(batch.front());
        batch.pop_front();
        if (job.kind == Job::Kind::keep) {
          keep(job);
        } else {
          const int error = directory.set_aside(job.frame) ? 0 : errno;
          post([wait = job.wait, error](Spool&) { finish(wait, error); });
        }
      }
    }
    if (fd >= 0) ::close(fd);
  }

  // One write and one fdatasync for every append that came meanwhile.
  void write_group(std::vector<Job>& group) {
    auto written = std::make_shared<Written>();
    std::string data;
    for (Job& job : group) {
      data += job.frame;
      written->waits.push_back(std::move(job.wait));
    }
    written->bytes = data.size();
    if (fd < 0 || size >= segment_bytes) {
      if (fd >= 0) ::close(fd);
      fd = directory.create_segment(next_number);
      if (fd < 0) {
        written->error = errno;
      } else {
        number = next_number++;
        size = 0;
      }
    }
    if (written->error == 0) {
      written->segment = number;
      written->start = size;
      if (write_all(fd, data) && ::fdatasync(fd) == 0) {
        size += data.size();
      } else {
        // Nothing of the group counts: cut what reached the file, and begin a new segment
        // (after a failed fdatasync the file's cached state cannot be trusted).
        written->error = errno;
        (void)::ftruncate(fd, static_cast<off_t>(size));
        ::close(fd);
        fd = -1;
      }
    }
    post([written](Spool& spool) { spool.on_written(*written); });
  }

  void keep(const Job& job) {
    if (fd >= 0 && std::find(job.remove.begin(), job.remove.end(), number) != job.remove.end()) {
      ::close(fd);
      fd = -1;
    }
    directory.save_cursor(job.cursor);
    for (uint64_t segment : job.remove) directory.remove_segment(segment);
  }

  template <class Function>
  void post(Function function) {
    asio::post(executor, [alive = alive, function = std::move(function)]() mutable {
      if (*alive != nullptr) function(**alive);
    });
  }

  SpoolDirectory& directory;
  const uint64_t segment_bytes;
  asio::any_io_executor executor;
  // The Spool, while it lives; read and cleared on the event loop's thread only.
  std::shared_ptr<Spool*> alive = std::make_shared<Spool*>(nullptr);

  std::mutex mutex;
  std::condition_variable wake;
  std::deque<Job> jobs;
  bool stopping = false;

  // The writer thread's own.
  uint64_t next_number;
  int fd = -1;
  uint64_t number = 0;
  uint64_t size = 0;
  std::thread thread;
};

Spool::Spool(asio::any_io_executor executor, SpoolOptions options)
    : executor_(std::move(executor)), options_(std::move(options)), directory_(options_.directory) {
  Recovered recovered = directory_.recover();
  recovery_problems_ = std::move(recovered.problems);
  segments_.assign(recovered.segments.begin(), recovered.segments.end());
  cursor_ = recovered.cursor;
  pending_ = recovered.pending_records;
  bytes_ = recovered.bytes;
  // Appends go to a new segment, never after what a crash may have cut short.
  const uint64_t first = segments_.empty() ? cursor_.segment : segments_.back().number + 1;
  writer_ = std::make_shared<Writer>(directory_, options_.segment_bytes, first, executor_);
  *writer_->alive = this;
  writer_->thread = std::thread([writer = writer_.get()] { writer->run(); });
}

Spool::~Spool() {
  *writer_->alive = nullptr;
  writer_->stop();
}

asio::awaitable<Result<Appended>> Spool::append(std::string payload) {
  if (payload.empty() || payload.size() > kMaxPayloadBytes) {
    co_return std::make_error_code(std::errc::invalid_argument);
  }
  std::string frame = frame_record(payload);
  if (bytes_ + frame.size() > options_.max_bytes) co_return Appended::full;
  bytes_ += frame.size();
  ++appending_;
  auto wait = std::make_shared<Wait>(executor_);
  writer_->push({.kind = Writer::Job::Kind::append, .frame = std::move(frame), .wait = wait});
  const int error = co_await wait_for(wait);
  if (error != 0) co_return std::error_code(error, std::system_category());
  co_return Appended::kept;
}

void Spool::on_written(const Written& written) {
  const uint64_t count = written.waits.size();
  appending_ -= count;
  if (written.error != 0) {
    bytes_ -= written.bytes;
    for (const auto& wait : written.waits) finish(wait, written.error);
    return;
  }
  if (segments_.empty() || segments_.back().number != written.segment) {
    segments_.push_back({written.segment, written.start});
  }
  segments_.back().size = written.start + written.bytes;
  pending_ += count;
  for (const auto& wait : written.waits) finish(wait, 0);
  if (on_appended_) on_appended_();
}

std::vector<SpoolEntry> Spool::next(size_t max) {
  std::vector<SpoolEntry> entries;
  Position at = cursor_;
  auto segment = segments_.begin();
  while (entries.size() < max) {
    segment = std::find_if(segment, segments_.end(),
                           [&](const Segment& s) { return s.number >= at.segment; });
    if (segment == segments_.end()) break;
    if (segment->number != at.segment) at = {segment->number, 0};
    if (at.offset >= segment->size) {
      at = {at.segment + 1, 0};
      continue;
    }
    // A chunk holds at least one whole record: replay goes a few at a time anyway.
    const uint64_t to = std::min(segment->size, at.offset + kFrameHeaderBytes + kMaxPayloadBytes);
    const std::string data = directory_.read(segment->number, at.offset, to);
    const ScanResult scan = scan_records(data, at.offset);
    if (scan.records.empty()) break;  // cannot be: what is below size was synced whole
    for (const RecordSpan& span : scan.records) {
      if (entries.size() == max) break;
      entries.push_back(
          {data.substr(span.payload_offset - at.offset, span.size), {segment->number, span.end}});
    }
    at = entries.back().after;
  }
  return entries;
}

void Spool::release(Position after) {
  if (after <= cursor_) return;
  cursor_ = after;
  if (pending_ > 0) --pending_;
}

void Spool::checkpoint() {
  Writer::Job job{.kind = Writer::Job::Kind::keep};
  if (pending_ == 0 && appending_ == 0 && !segments_.empty()) {
    // All replayed: every segment goes, and replay resumes where the next one will begin.
    cursor_ = {segments_.back().number + 1, 0};
  }
  while (!segments_.empty() && segments_.front().number < cursor_.segment) {
    job.remove.push_back(segments_.front().number);
    bytes_ -= segments_.front().size;
    segments_.pop_front();
  }
  job.cursor = cursor_;
  writer_->push(std::move(job));
}

asio::awaitable<bool> Spool::set_aside(const SpoolEntry& entry) {
  auto wait = std::make_shared<Wait>(executor_);
  writer_->push(
      {.kind = Writer::Job::Kind::set_aside, .frame = frame_record(entry.payload), .wait = wait});
  if (co_await wait_for(wait) != 0) co_return false;
  release(entry.after);
  co_return true;
}

}  // namespace tocsin::spool
