#pragma once
// One client of GET /v1/alerts/{id}/events: the stream body the HTTP server runs, and the
// hub's viewer of the alert. It writes what the route prepared first (the snapshot, or the
// state on a resume), then the backlog after Last-Event-ID read page by page, then the
// entries the hub hands it, each filtered to the client's scope, with a heartbeat comment
// when nothing else was written for a while.
//
// The route subscribes the session to the hub BEFORE reading the snapshot or the stream's
// bounds; entries the hub hands over that the snapshot or backlog already covered are
// skipped by id, so the client gets every change once. A client that does not keep up
// (more than max_queued entries waiting) is disconnected and resumes with Last-Event-ID.

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <variant>

#include "events/event_hub.h"
#include "events/turnout_entry.h"
#include "http/stream.h"
#include "turnout/turnout_scope.h"

namespace tocsin::redis {
class Client;
}

namespace tocsin::events {

struct SseOptions {
  std::chrono::milliseconds heartbeat{15000};
  size_t max_queued = 1000;  // entries waiting to be written before the client is let go
  size_t backlog_page = 500;  // entries per XRANGE of the backlog
};

class SseSession final : public http::StreamBody, public EventViewer {
 public:
  SseSession(redis::Client& redis, std::string alert_id, turnout::Scope scope,
             SseOptions options);

  // The hub's registration, kept for as long as the session lives.
  void attach(EventHub::Subscription subscription) { subscription_ = std::move(subscription); }

  // Starts with this snapshot, which covers the stream up to `id` ("0-0": nothing).
  void start_with_snapshot(std::string id, std::string turnout_json);
  // Starts with the alert's state, then every entry after `id`.
  void start_after(StreamId id, std::string state);

  boost::asio::awaitable<void> run(http::StreamSink& sink) override;
  void on_entry(const std::shared_ptr<const TurnoutEntry>& entry) override;
  void on_state(const std::string& state) override;

  bool lagging() const { return lagging_; }

 private:
  using Item = std::variant<std::shared_ptr<const TurnoutEntry>, std::string>;
  boost::asio::awaitable<bool> send_backlog(http::StreamSink& sink);
  // Appends the entry's change event to `out` when it is new and has fields in scope.
  void append_change(const TurnoutEntry& entry, std::string* out);

  redis::Client& redis_;
  std::string alert_id_;
  turnout::Scope scope_;
  SseOptions options_;
  EventHub::Subscription subscription_;
  std::string first_;                 // written first: the snapshot or a state event
  std::optional<StreamId> backlog_after_;  // a resume: entries after this id come first
  StreamId sent_;                     // entries up to this id are covered
  std::deque<Item> queue_;            // handed over by the hub, not written yet
  std::string chunk_;  // what the next write sends; its capacity is kept from write to write
  http::StreamSink* sink_ = nullptr;  // while run() runs
  bool lagging_ = false;
};

}  // namespace tocsin::events
