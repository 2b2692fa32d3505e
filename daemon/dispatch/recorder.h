#pragma once
// Writes the engine's outcomes to Redis in batches: whatever accumulated while the previous
// batch was on its way goes in the next one, so a fast blast costs one script call per few
// hundred messages and a slow one still records each result at once. A batch is written in
// steps that each stay in one hash slot (record_plan.h). A failed write (Redis restarting)
// is retried until it succeeds: an outcome is never dropped, and since every step ignores
// what is already written, a batch whose reply was lost is written again whole.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <deque>
#include <functional>
#include <string>
#include <system_error>
#include <vector>

#include "dispatch/record_item.h"
#include "util/wakeup.h"

namespace tocsin::redis {
class Client;
}

namespace tocsin::dispatch {

class Recorder {
 public:
  // Items per record call: about 10 us of Redis each, so a call stays near 5 ms however
  // large the backlog (the next call takes the rest at once).
  static constexpr size_t kMaxBatch = 500;

  Recorder(boost::asio::any_io_executor executor, redis::Client& redis, std::string group);

  void add(RecordItem item);
  size_t backlog() const { return items_.size(); }

  // Called after each batch is durable in Redis, with its items, in order.
  void on_written(std::function<void(const std::vector<RecordItem>&)> callback) {
    on_written_ = std::move(callback);
  }

  // Writes until stop() and then until the backlog is empty or Redis stays away for
  // drain_patience.
  boost::asio::awaitable<void> run(std::chrono::milliseconds drain_patience);
  void stop();

  uint64_t alerts_finished() const { return alerts_finished_; }

 private:
  // Writes one batch (record_plan.h), counting the alerts it made `sent`.
  boost::asio::awaitable<std::error_code> write(const std::vector<RecordItem>& batch);

  redis::Client& redis_;
  std::string group_;
  std::string why_;  // the last failed write's reason, in Redis's words when it gave some
  std::deque<RecordItem> items_;
  Wakeup wakeup_;
  bool stopping_ = false;
  uint64_t alerts_finished_ = 0;
  std::function<void(const std::vector<RecordItem>&)> on_written_;
};

}  // namespace tocsin::dispatch
