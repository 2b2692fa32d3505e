#pragma once
// The fan-out of alerts' event streams to this daemon's viewers (the SSE connections):
// one follower per alert that has local viewers, however many viewers it has. Every poll
// interval (at once when the local publisher says it wrote) the hub reads the entries
// after each follower's position with XRANGE, in one pipeline for all followers (never a
// blocking XREAD: the Redis connection is shared, see dispatch/engine.cpp), parses each
// entry once and hands the same parsed entry to every viewer of the alert. It also reads
// the followed alerts' states about every second and tells viewers when one changes.
//
// Viewers filter (scope) and queue what they get themselves; one that falls too far behind
// ends its own stream, and the client resumes with Last-Event-ID.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "events/turnout_entry.h"
#include "util/result.h"

namespace tocsin::redis {
class Client;
}

namespace tocsin::events {

class EventViewer {
 public:
  virtual ~EventViewer() = default;
  // A new entry of the alert's stream, in stream order. Must not block.
  virtual void on_entry(const std::shared_ptr<const TurnoutEntry>& entry) = 0;
  // The alert's state changed ("sent", "closed", ...).
  virtual void on_state(const std::string& state) = 0;
};

struct HubOptions {
  // How often followed streams are read when no local publisher wakes the hub (entries
  // written by another daemon sharing Redis).
  std::chrono::milliseconds poll_interval{30};
  // How often the followed alerts' states are read.
  std::chrono::milliseconds state_interval{1000};
  // Entries read per stream per XRANGE; a full read is followed by another at once.
  size_t read_count = 500;
};

struct HubStats {
  uint64_t reads = 0;       // pipelined XRANGE rounds
  uint64_t entries = 0;     // entries read (each once, whatever the number of viewers)
  uint64_t deliveries = 0;  // entries handed to viewers
};

class EventHub {
 public:
  // Removes its viewer from the hub when destroyed.
  class Subscription {
   public:
    Subscription() = default;
    Subscription(EventHub* hub, std::string alert_id, EventViewer* viewer)
        : hub_(hub), alert_id_(std::move(alert_id)), viewer_(viewer) {}
    Subscription(Subscription&& other) noexcept { *this = std::move(other); }
    Subscription& operator=(Subscription&& other) noexcept;
    ~Subscription() { reset(); }
    void reset();

   private:
    EventHub* hub_ = nullptr;
    std::string alert_id_;
    EventViewer* viewer_ = nullptr;
  };

  EventHub(boost::asio::any_io_executor executor, redis::Client& redis, HubOptions options = {});

  // Runs until stop().
  boost::asio::awaitable<void> run();
  void stop();

  // The local publisher wrote entries to this alert's stream: read them now.
  void notify(const std::string& alert_id);

  // From now on `viewer` gets every entry of the alert's stream after its position at the
  // time of the call (read from Redis when no local viewer follows the alert yet), and its
  // state changes. Subscribe BEFORE reading a snapshot or a backlog, and skip entries
  // already sent by id: then nothing falls between the two. An error when Redis cannot
  // tell the position.
  boost::asio::awaitable<Result<Subscription>> subscribe(std::string alert_id,
                                                         EventViewer& viewer);

  size_t followed_alerts() const { return followers_.size(); }
  size_t viewers() const;
  const HubStats& stats() const { return stats_; }

 private:
  struct Follower {
    std::string last_id;  // entries up to this one were handed out
    std::string state;
    std::vector<EventViewer*> viewers;
  };

  void unsubscribe(const std::string& alert_id, EventViewer* viewer);
  // One round of reads; true when a stream had more entries than one read takes.
  boost::asio::awaitable<bool> read_once(bool with_states);
  void wake();

  redis::Client& redis_;
  HubOptions options_;
  boost::asio::steady_timer timer_;
  std::map<std::string, Follower> followers_;
  std::chrono::steady_clock::time_point states_at_{};
  HubStats stats_;
  bool woken_ = false;
  bool stopped_ = false;
};

}  // namespace tocsin::events
