#include "dispatch/recorder.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <optional>

#include "alerts/alert_relay.h"
#include "dispatch/dispatch_scripts.h"
#include "dispatch/receipt_store.h"
#include "dispatch/record_plan.h"
#include "log/log.h"
#include "members/opt_out_registry.h"
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
    std::vector<RecordItem> batch(items_.begin(), items_.begin() + count);
    const std::error_code written = co_await write(batch);
    if (written) {
      if (!warned) {
        spdlog::warn("event=dispatch_record_delayed backlog={} error={}", items_.size(),
                     log::quote(why_.empty() ? written.message() : why_));
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
    items_.erase(items_.begin(), items_.begin() + count);
    if (on_written_) on_written_(batch);
  }
}

// The steps of record_plan.h, in order. Each is safe to run again, so a batch that failed
// part way is written again whole.
boost::asio::awaitable<std::error_code> Recorder::write(const std::vector<RecordItem>& batch) {
  why_.clear();
  RecordPlan plan = plan_record(batch, group_, now_ms());
  if (auto error = co_await members::apply_opt_out_changes(redis_, plan.opt_outs)) {
    co_return error;
  }
  std::vector<std::string> finished;
  for (RecordAlertCall& call : plan.alerts) {
    auto became_sent = redis::decode<int64_t>(
        co_await redis_.eval(record_script(), std::move(call.keys), std::move(call.args)), &why_);
    if (!became_sent) co_return became_sent.error();
    if (*became_sent == 1) {
      // Counted now: a replay of this batch (a later step failed) finds the alert sent.
      ++alerts_finished_;
      finished.push_back(call.alert_id);
    }
  }
  // An alert that became `sent` wrote its audit entry to its trail.
  for (const auto& id : finished) co_await alerts::relay(redis_, id, alerts::Outbox::audit);
  // The states on a replica before the jobs are acknowledged: a failover then loses no
  // message's record (it would be sent again) or the end of a job.
  co_await redis_.wait_for_replicas();
  if (plan.after.empty()) co_return std::error_code();
  auto replies = co_await redis_.exec_pipeline(std::move(plan.after));
  if (!replies) co_return replies.error();
  for (const auto& reply : *replies) {
    if (reply.is_error()) {
      why_ = reply.str;
      co_return make_error_code(redis::Errc::server_error);
    }
  }
  for (const EarlyReceiptRead& read : plan.early_reads) {
    auto early = redis::decode<std::optional<std::string>>((*replies)[read.reply_index]);
    if (!early) co_return early.error();
    if (!*early) continue;
    // A receipt that came before its send was recorded: applied now that the member is
    // `sent`, then forgotten (applying it again would change nothing).
    ReceiptTarget target{read.alert_id, read.member_id, read.channel};
    auto moved = co_await apply_receipt_state(redis_, target, **early);
    if (!moved) co_return moved.error();
    redis::Command forget{"DEL", read.early_key};
    auto deleted = co_await redis_.exec(std::move(forget));
    if (!deleted) co_return deleted.error();
  }
  co_return std::error_code();
}

}  // namespace tocsin::dispatch
