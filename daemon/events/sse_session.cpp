#include "events/sse_session.h"

#include <spdlog/spdlog.h>

#include "events/event_keys.h"
#include "events/sse_format.h"
#include "redis/client.h"
#include "redis/decode.h"

namespace tocsin::events {
namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

SseSession::SseSession(redis::Client& redis, std::string alert_id, turnout::Scope scope,
                       SseOptions options)
    : redis_(redis), alert_id_(std::move(alert_id)), scope_(std::move(scope)), options_(options) {}

void SseSession::start_with_snapshot(std::string id, std::string turnout_json) {
  sent_ = parse_stream_id(id).value_or(StreamId{});
  first_ = snapshot_event(id, turnout_json);
}

void SseSession::start_after(StreamId id, std::string state) {
  sent_ = id;
  backlog_after_ = id;
  first_ = state_event(state);
}

void SseSession::on_entry(const std::shared_ptr<const TurnoutEntry>& entry) {
  if (lagging_) return;
  if (queue_.size() >= options_.max_queued) {
    // Far behind: let it go rather than hold ever more; it resumes with Last-Event-ID.
    lagging_ = true;
    queue_.clear();
    spdlog::info("event=sse_viewer_lagging alert={} queued={}", alert_id_, options_.max_queued);
    if (sink_ != nullptr) sink_->end();
    return;
  }
  queue_.emplace_back(entry);
  if (sink_ != nullptr) sink_->wake();
}

void SseSession::on_state(const std::string& state) {
  if (lagging_) return;
  queue_.emplace_back(state);
  if (sink_ != nullptr) sink_->wake();
}

void SseSession::append_change(const TurnoutEntry& entry, std::string* out) {
  if (entry.stream_id <= sent_) return;  // the snapshot or the backlog had it
  sent_ = entry.stream_id;
  if (!entry.milestone_json.empty()) {
    append_milestone_event(entry, scope_, out);
    return;
  }
  append_change_event(entry, scope_, out);
}

asio::awaitable<bool> SseSession::send_backlog(http::StreamSink& sink) {
  std::string cursor = to_string(*backlog_after_);
  for (;;) {
    redis::Command read{"XRANGE", keys::events(alert_id_), "(" + cursor, "+", "COUNT",
                        std::to_string(options_.backlog_page)};
    auto page = redis::decode<std::vector<redis::Reply>>(co_await redis_.exec(std::move(read)));
    if (!page) {
      // The client reconnects with the last id it got and loses nothing.
      sink.end();
      co_return false;
    }
    chunk_.clear();
    for (const auto& raw : *page) {
      auto entry = parse_entry(raw);
      if (!entry) continue;
      cursor = entry->id;
      append_change(*entry, &chunk_);
    }
    if (!chunk_.empty() && !co_await sink.write(chunk_)) co_return false;
    if (page->size() < options_.backlog_page) co_return true;
  }
}

asio::awaitable<void> SseSession::run(http::StreamSink& sink) {
  sink_ = &sink;
  struct Detach {
    SseSession* self;
    ~Detach() { self->sink_ = nullptr; }
  } detach{this};
  if (lagging_) co_return;
  if (!co_await sink.write(first_)) co_return;
  first_ = std::string();  // a snapshot can be large: not kept for the stream's life
  if (backlog_after_ && !co_await send_backlog(sink)) co_return;
  auto last_write = Clock::now();
  while (sink.open() && !lagging_) {
    // Everything queued goes out in one chunk.
    chunk_.clear();
    while (!queue_.empty()) {
      Item item = std::move(queue_.front());
      queue_.pop_front();
      if (const auto* entry = std::get_if<std::shared_ptr<const TurnoutEntry>>(&item)) {
        append_change(**entry, &chunk_);
      } else {
        chunk_ += state_event(std::get<std::string>(item));
      }
    }
    auto now = Clock::now();
    if (chunk_.empty() && now - last_write >= options_.heartbeat) chunk_ = kHeartbeat;
    if (!chunk_.empty()) {
      if (!co_await sink.write(chunk_)) co_return;
      last_write = now = Clock::now();
    }
    co_await sink.wait(std::chrono::duration_cast<std::chrono::milliseconds>(
        last_write + options_.heartbeat - now));
  }
}

}  // namespace tocsin::events
