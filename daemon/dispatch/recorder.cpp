#include "dispatch/recorder.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <map>

#include "alerts/alert_keys.h"
#include "audit/audit_keys.h"
#include "dispatch/dispatch_keys.h"
#include "dispatch/dispatch_scripts.h"
#include "dispatch/receipt_store.h"
#include "log/log.h"
#include "redis/client.h"
#include "redis/decode.h"

namespace tocsin::dispatch {
namespace {

int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

// The KEYS and ARGV of one record_script call (record.lua): the global keys, then each
// alert's four keys once, then each item's own, named by their index in KEYS.
class RecordCall {
 public:
  RecordCall(std::string group, size_t count) {
    keys_ = {std::string(keys::kRetryQueue),
             std::string(audit::keys::kAudit),
             alerts::keys::opt_out_registry("sms"),
             alerts::keys::opt_out_registry("email"),
             keys::opted_out_members("sms"),
             keys::opted_out_members("email")};
    args_ = {std::to_string(now_ms()), std::move(group), std::to_string(count),
             std::to_string(std::chrono::seconds(kReceiptTtl).count())};
    args_.reserve(4 + count * 10);
  }

  void add(const RecordItem& item) {
    args_.emplace_back(1, static_cast<char>(item.op));
    args_.push_back(item.alert_id);
    args_.push_back(alert_keys_at(item.alert_id));
    switch (item.op) {
      case RecordItem::Op::result:
        args_.push_back(item.member_or_queue);
        args_.push_back(item.channel_or_entry);
        args_.push_back(item.state_or_due);
        args_.push_back(item.message_id);
        args_.push_back(item.entry_to_remove);
        args_.push_back(item.address);
        args_.push_back(own_keys_at(item));
        return;
      case RecordItem::Op::retry:
        args_.push_back(item.member_or_queue);
        args_.push_back(item.channel_or_entry);
        args_.push_back(item.state_or_due);
        args_.emplace_back();
        args_.push_back(item.entry_to_add);
        args_.push_back(item.entry_to_remove);
        args_.emplace_back();
        return;
      case RecordItem::Op::ack:
        args_.push_back(key_at(item.member_or_queue));
        args_.push_back(item.channel_or_entry);
        args_.insert(args_.end(), 5, std::string());
        return;
      case RecordItem::Op::cancel_retry:
        args_.push_back(item.member_or_queue);
        args_.push_back(item.channel_or_entry);
        args_.insert(args_.end(), 3, std::string());
        args_.push_back(item.entry_to_remove);
        args_.emplace_back();
        return;
    }
  }

  std::vector<std::string> take_keys() { return std::move(keys_); }
  std::vector<std::string> take_args() { return std::move(args_); }

 private:
  // KEYS is 1-based in Lua.
  std::string next_index() const { return std::to_string(keys_.size() + 1); }

  std::string alert_keys_at(const std::string& alert_id) {
    auto [found, added] = alerts_.try_emplace(alert_id, next_index());
    if (added) {
      keys_.push_back(alerts::keys::alert(alert_id));
      keys_.push_back(alerts::keys::delivery(alert_id));
      keys_.push_back(alerts::keys::counts(alert_id));
      keys_.push_back(alerts::keys::sent(alert_id));
    }
    return found->second;
  }

  std::string key_at(const std::string& key) {
    auto [found, added] = singles_.try_emplace(key, next_index());
    if (added) keys_.push_back(key);
    return found->second;
  }

  // A sent message's receipt key and its early key; an SMS opt-out's phone holders.
  std::string own_keys_at(const RecordItem& item) {
    if (item.state_or_due == alerts::keys::delivery_state::kSent && !item.receipt_key.empty()) {
      std::string at = next_index();
      keys_.push_back(item.receipt_key);
      keys_.push_back(keys::early_receipt(item.receipt_key));
      return at;
    }
    if (item.state_or_due == alerts::keys::delivery_state::kOptedOut &&
        item.channel_or_entry == "sms" && !item.address.empty()) {
      return key_at(keys::phone_holders(item.address));
    }
    return {};
  }

  std::vector<std::string> keys_;
  std::vector<std::string> args_;
  std::map<std::string, std::string> alerts_;   // alert id -> index of its four keys
  std::map<std::string, std::string> singles_;  // key -> its index
};

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
    RecordCall call(group_, count);
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
    std::vector<RecordItem> written(std::make_move_iterator(items_.begin()),
                                    std::make_move_iterator(items_.begin() + count));
    items_.erase(items_.begin(), items_.begin() + count);
    if (on_written_) on_written_(written);
  }
}

}  // namespace tocsin::dispatch
