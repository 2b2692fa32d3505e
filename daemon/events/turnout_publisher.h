#pragma once
// Writes each live alert's turnout changes to its event stream, coalesced: it polls the
// alerts' turnout_version counters (one pipelined GET per poll), and when one moved and
// the minimum interval has passed since that alert's last entry, runs the publish script
// (publish_script.h), which compares the raw counts with what was last published and
// appends one entry with the fields that changed. A burst of thousands of replies a second
// thus becomes at most one entry per alert per interval, whatever the number of viewers.
//
// Live alerts are those sending or sent among the most recent ones, re-read about every
// second; an alert this daemon starts sending is followed at once (follow()), so its first
// counts are not held until that read (they were, up to a second, at the start of every
// blast: the dashboard's worst delays). Every daemon sharing Redis runs one publisher: the
// script decides, atomically, which of them writes an entry, so each change is written once.
//
// Redis's cost: the comparison reads only the counts that moved since the last entry and
// what was published of them, at most max_fields_per_entry of them per run (a burst that
// moves more is published over the next runs), so no run holds Redis more than a few
// milliseconds; an alert's first entry reads every count (tests/bench/event_publish_bench:
// about 3 ms for 5,000 fields). A daemon that finds the version already published pays 6 us.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace tocsin::redis {
class Client;
}

namespace tocsin::events {

struct PublisherOptions {
  // How often the live alerts' versions are read.
  std::chrono::milliseconds poll_interval{25};
  // Least time between two entries of one alert's stream (contract: 100 ms).
  std::chrono::milliseconds min_entry_interval{100};
  // How often the list of live alerts is read again.
  std::chrono::milliseconds list_interval{1000};
  // How many of the most recent alerts are looked at for live ones.
  size_t recent_alerts = 200;
  // The stream's approximate length cap (XADD MAXLEN ~).
  int64_t max_stream_length = 100000;
  // Most fields in one entry; a larger change is split into consecutive entries.
  int64_t max_fields_per_entry = 1000;
  // Each field the script reads costs about 0.5 us of Redis time: after a run that read n
  // fields, the next entry waits at least n times this, so that a very large alert cannot
  // take more than ~5% of Redis's time (a run that compares 10,000 fields waits the 100 ms
  // above; 40,000 fields, 400 ms).
  std::chrono::microseconds interval_per_field_read{10};
};

struct PublisherStats {
  uint64_t polls = 0;    // pipelined version reads
  uint64_t scripts = 0;  // publish script runs
  uint64_t entries = 0;  // script runs that wrote (at least one entry)
};

class TurnoutPublisher {
 public:
  TurnoutPublisher(boost::asio::any_io_executor executor, redis::Client& redis,
                   PublisherOptions options = {});

  // Runs until stop().
  boost::asio::awaitable<void> run();
  void stop();

  // Follows an alert that just started sending, from the next poll on rather than from the
  // next read of the live alerts (up to list_interval later). It is dropped at that read
  // if it is not live after all.
  void follow(const std::string& alert_id);

  // Called with the alert's id after this daemon wrote entries to its stream, so the
  // local event hub reads them at once instead of at its next poll.
  void on_published(std::function<void(const std::string& alert_id)> callback) {
    on_published_ = std::move(callback);
  }

  const PublisherStats& stats() const { return stats_; }

 private:
  struct Alert {
    std::string last_version;    // as last seen by the script ("" before the first run)
    std::string polled_version;  // as last read by the poll
    std::chrono::steady_clock::time_point due{};  // earliest next script run
    bool pending = false;  // the version moved and the script has not caught up yet
    // milestone_script()'s goals, read from the alert once; empty: no targets.
    std::optional<std::vector<std::string>> goals;
  };

  boost::asio::awaitable<void> read_live_alerts();
  boost::asio::awaitable<void> poll_versions();
  boost::asio::awaitable<void> publish_due();
  boost::asio::awaitable<void> publish(const std::string& id, Alert& alert);
  boost::asio::awaitable<void> check_milestones(const std::string& id, Alert& alert);
  std::chrono::steady_clock::time_point next_wake() const;

  redis::Client& redis_;
  PublisherOptions options_;
  boost::asio::steady_timer timer_;
  std::map<std::string, Alert> alerts_;
  std::chrono::steady_clock::time_point listed_at_{};
  std::function<void(const std::string&)> on_published_;
  PublisherStats stats_;
  bool stopped_ = false;
};

}  // namespace tocsin::events
