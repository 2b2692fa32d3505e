#include "dispatch/recorder.h"

#include <spdlog/spdlog.h>

#include <chrono>

#include "dispatch/dispatch_scripts.h"
#include "dispatch/receipt_store.h"
#include "log/log.h"
#include "redis/client.h"

namespace tocsin::dispatch {
namespace {

int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

void append_args(const RecordItem& item, std::vector<std::string>& args) {
  args.emplace_back(1, static_cast<char>(item.op));
  args.push_back(item.alert_id);
  args.push_back(item.member_or_queue);
  args.push_back(item.channel_or_entry);
  switch (item.op) {
    case RecordItem::Op::result:
      args.push_back(item.state_or_due);
      args.push_back(item.message_id);
      args.push_back(item.entry_to_remove);
      args.push_back(item.address);
      args.push_back(item.receipt_key);
      return;
    case RecordItem::Op::retry:
      args.push_back(item.state_or_due);
      args.emplace_back();
      args.push_back(item.entry_to_add);
      args.push_back(item.entry_to_remove);
      args.emplace_back();
      return;
    case RecordItem::Op::ack:
      args.insert(args.end(), 5, std::string());
      return;
    case RecordItem::Op::cancel_retry:
      args.insert(args.end(), 3, std::string());
      args.push_back(item.entry_to_remove);
      args.emplace_back();
      return;
  }
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
    std::vector<std::string> args{std::to_string(now_ms()), group_, std::to_string(count),
                                  std::to_string(std::chrono::seconds(kReceiptTtl).count())};
    args.reserve(4 + count * 9);
    for (size_t i = 0; i < count; ++i) append_args(items_[i], args);
    std::vector<std::string> no_keys;
    auto reply = co_await redis_.eval(record_script(), std::move(no_keys), std::move(args));
    if (!reply || reply->is_error()) {
      if (!warned) {
        spdlog::warn("event=dispatch_record_delayed backlog={} error={}", items_.size(),
                     log::quote(reply ? reply->str : reply.error().message()));
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
    alerts_finished_ += static_cast<uint64_t>(reply->integer);
    std::vector<RecordItem> written(std::make_move_iterator(items_.begin()),
                                    std::make_move_iterator(items_.begin() + count));
    items_.erase(items_.begin(), items_.begin() + count);
    if (on_written_) on_written_(written);
  }
}

}  // namespace tocsin::dispatch
