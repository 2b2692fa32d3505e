#include "dispatch/recorder.h"

#include <spdlog/spdlog.h>

#include <chrono>

#include "alerts/alert_relay.h"
#include "dispatch/dispatch_scripts.h"
#include "dispatch/record_call.h"
#include "log/log.h"
#include "redis/client.h"
#include "redis/decode.h"

namespace tocsin::dispatch {
namespace {

int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace

Recorder::Recorder(boost::asio::any_io_executor executor, redis::Client& redis, std::string group)
    : redis_(redis), group_(std::move(group)), wakeup_(std::move(executor)) {
  redis_.load_on_connect(record_script());
}

void Recorder::add(RecordItem item) {
  items_.push_back(std::move(item));
  wakeup_.notify();
}

void Recorder::stop() {
  stopping_ = true;
  wakeup_.notify();
}

boost::asio::awaitable<void> Recorder::run(std::chrono::milliseconds drain_patience) {
  using Clock = std::chrono::steady_clock;
  Clock::time_point stop_deadline = Clock::time_point::max();
  bool warned = false;
  for (;;) {
    if (stopping_ && stop_deadline == Clock::time_point::max()) {
      stop_deadline = Clock::now() + drain_patience;
    }
    if (items_.empty()) {
      if (stopping_) co_return;
      co_await wakeup_.wait(std::chrono::seconds(1));
      continue;
    }
    const size_t count = std::min(items_.size(), kMaxBatch);
    RecordCall call(group_, now_ms(), count);
    for (size_t i = 0; i < count; ++i) call.add(items_[i]);
    auto reply = co_await redis_.eval(record_script(), call.take_keys(), call.take_args());
    std::string why;
    auto finished = redis::decode<int64_t>(reply, &why);
    if (!finished) {
      if (!warned) {
        spdlog::warn("event=dispatch_record_delayed backlog={} error={}", items_.size(),
                     log::quote(why));
        warned = true;
      }
      if (Clock::now() >= stop_deadline) {
        spdlog::error("event=dispatch_record_abandoned backlog={} reason={}", items_.size(),
                      log::quote("Redis unavailable at shutdown; the jobs stay pending and "
                                 "are taken up again on restart"));
        co_return;
      }
      co_await wakeup_.wait(std::chrono::milliseconds(100));
      continue;
    }
    if (warned) {
      spdlog::info("event=dispatch_record_resumed backlog={}", items_.size());
      warned = false;
    }
    alerts_finished_ += static_cast<uint64_t>(*finished);
    // An alert that became `sent` wrote its audit entry to its trail.
    if (*finished > 0) {
      for (const auto& id : call.alert_ids()) co_await alerts::relay(redis_, id, alerts::Outbox::audit);
    }
    std::vector<RecordItem> written(std::make_move_iterator(items_.begin()),
                                    std::make_move_iterator(items_.begin() + count));
    items_.erase(items_.begin(), items_.begin() + count);
    if (on_written_) on_written_(written);
  }
}

}  // namespace tocsin::dispatch
