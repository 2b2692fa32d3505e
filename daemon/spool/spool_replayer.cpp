#include "spool/spool_replayer.h"

#include <spdlog/spdlog.h>

#include "log/log.h"
#include "spool/spool.h"

namespace tocsin::spool {
namespace asio = boost::asio;

SpoolReplayer::SpoolReplayer(asio::any_io_executor executor, Spool& spool,
                             std::function<bool()> ready, Apply apply, ReplayerOptions options)
    : spool_(spool),
      ready_(std::move(ready)),
      apply_(std::move(apply)),
      options_(options),
      wakeup_(std::move(executor)) {
  spool_.on_appended([this] { notify(); });
}

void SpoolReplayer::stop() {
  stopping_ = true;
  wakeup_.notify();
}

void SpoolReplayer::log_depth(bool force) {
  const auto now = std::chrono::steady_clock::now();
  if (!force && now - last_depth_log_ < options_.depth_log_interval) return;
  last_depth_log_ = now;
  spdlog::warn("event=spool_depth records={} bytes={} max_bytes={} redis_ready={}",
               spool_.pending_records(), spool_.bytes(), spool_.max_bytes(), ready_());
}

asio::awaitable<void> SpoolReplayer::run() {
  if (spool_.pending_records() > 0) {
    spdlog::warn("event=spool_found records={} directory={}", spool_.pending_records(),
                 log::quote(spool_.directory().string()));
  }
  while (!stopping_) {
    if (!spool_.holding()) {
      co_await wakeup_.wait(std::chrono::hours(1));
      continue;
    }
    log_depth(false);
    bool whole = false;
    if (ready_() && spool_.pending_records() > 0) {
      try {
        whole = co_await replay_batch();
      } catch (const std::exception& e) {
        // A segment that cannot be read: said, and tried again after a pause.
        spdlog::error("event=spool_read_failed error={}", log::quote(e.what()));
      }
      spool_.checkpoint();
    }
    if (!spool_.holding()) {
      spdlog::info("event=spool_drained replayed={} set_aside_total={}", replayed_since_drained_,
                   set_aside_);
      replayed_since_drained_ = 0;
      continue;
    }
    if (!whole) co_await wakeup_.wait(refusals_ > 0 ? options_.retry_pause : options_.poll);
  }
}

void SpoolReplayer::applied(const SpoolEntry& entry) {
  spool_.release(entry.after);
  ++replayed_;
  ++replayed_since_drained_;
}

asio::awaitable<bool> SpoolReplayer::replay_batch() {
  const auto entries = spool_.next(options_.batch);
  if (entries.empty()) co_return false;  // appends still on their way to the disk
  for (size_t i = 0; i < entries.size(); ++i) {
    if (stopping_) co_return false;
    const SpoolEntry& entry = entries[i];
    const Replayed outcome = co_await apply_(entry.payload);
    if (outcome == Replayed::later) co_return false;
    if (outcome == Replayed::done) {
      applied(entry);
      refusals_ = 0;
      continue;
    }
    if (++refusals_ < options_.refusals_before_set_aside) co_return false;
    // Refused again and again: this record, or Redis (out of memory, say)? The next one
    // tells. With none behind it yet, it is tried again.
    if (i + 1 == entries.size()) co_return false;
    const SpoolEntry& next = entries[i + 1];
    if (co_await apply_(next.payload) != Replayed::done) {
      if (refusals_ == options_.refusals_before_set_aside) {
        spdlog::error(
            "event=spool_replay_refused records={} reason=\"Redis refuses every "
            "record; nothing set aside, tried again\"",
            spool_.pending_records());
      }
      co_return false;
    }
    if (!co_await spool_.set_aside(entry)) {
      // `next` is applied, not released: replayed again later, which changes nothing.
      spdlog::error("event=spool_set_aside_failed directory={}",
                    log::quote(spool_.directory().string()));
      co_return false;
    }
    ++set_aside_;
    spdlog::error(
        "event=spool_record_set_aside attempts={} file={} reason=\"Redis refused it and took "
        "the next; kept for a person to look at\"",
        refusals_, log::quote((spool_.directory() / "set-aside.spool").string()));
    applied(next);
    refusals_ = 0;
    ++i;
  }
  co_return true;
}

}  // namespace tocsin::spool
