#pragma once
// The engine's state and its loops, shared by engine.cpp (start, stop, the periodic loops),
// engine_take.cpp (reading jobs and due retries, keeping and claiming them), engine_queue.cpp (a
// prepared member's messages onto the ready queues) and engine_send.cpp (the hand-off to gateways
// and the outcomes). The decisions they carry out are job_decision.h's and outcome_decision.h's.
// Included by those files only: it brings Asio.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "alerts/alert_keys.h"
#include "dispatch/dispatch_keys.h"
#include "dispatch/engine.h"
#include "dispatch/gateway_pool.h"
#include "dispatch/job_decision.h"
#include "dispatch/message_renderer.h"
#include "dispatch/quiet_hold.h"
#include "dispatch/recorder.h"
#include "dispatch/retry_entry.h"
#include "dispatch/retry_policy.h"
#include "io/request_executor.h"
#include "redis/stream_consumer.h"
#include "util/clock.h"
#include "util/result.h"
#include "util/wakeup.h"

namespace tocsin::dispatch {

// In the engine's files `keys::` names the engine's keys (dispatch_keys.h) and the alert's
// (alerts/alert_keys.h) alike.
namespace keys {
using namespace alerts::keys;
}  // namespace keys

// A job as read from a queue: the alert and its members.
struct QueueEntry {
  std::string queue;
  std::string id;
  std::string alert_id;
  std::vector<std::string> members;
};

struct Engine::Impl : std::enable_shared_from_this<Impl> {
  using Clock = std::chrono::steady_clock;

  // What the engine keeps of an alert in use.
  struct AlertInfo {
    std::shared_ptr<MessageRenderer> renderer;
    std::string state;
    bool urgent = false;
    int64_t expires_at_ms = 0;  // the send deadline: expiry or event start (send_deadline.h)
    std::string channels;
    // Whose RSVP links its messages carry: its own id, or a child's parent's (a wave's or
    // follow-up's answers count on the alert it follows).
    std::string rsvp_alert_id;
    // A child's group of its parent's audience (alerts/target_group.h), checked just before
    // each member is sent; unused for an alert that is no child.
    std::string target_group;
    bool child = false;
    Clock::time_point last_used;

    AlertFacts facts() const { return {.state = state, .deadline_ms = expires_at_ms}; }
  };

  // A queue job being worked on: acknowledged once all its messages are recorded.
  struct Job {
    std::string queue;
    std::string entry_id;
    std::string alert_id;
    int open = 0;
  };

  struct Pending {
    std::shared_ptr<Job> job;  // null for a retry
    std::string retry_entry;   // the q:retry entry it came from, for a retry
    int attempt = 1;
    adapters::OutgoingMessage message;
    // An SMS-only alert's SMS: the member's email, where it goes when the SMS fails
    // permanently (a landline, an invalid number).
    bool email_fallback = false;
    // Set for a message outside any alert (send_direct): sent once, not recorded; this
    // gets the outcome.
    std::function<void(const SendResult&)> on_sent;
    // When the address was last found not opted out (see check_opt_outs), and whether it
    // was found opted out since it was prepared.
    Clock::time_point opt_out_checked{};
    bool opted_out_since = false;
  };

  // Messages ready to send on one channel: direct ones (a few words answering a member,
  // who is waiting for them) first, then urgent alerts', then routine ones.
  struct ReadyQueue {
    explicit ReadyQueue(boost::asio::any_io_executor executor) : wakeup(std::move(executor)) {}
    std::deque<Pending> direct;
    std::deque<Pending> urgent;
    std::deque<Pending> routine;
    Wakeup wakeup;
    size_t size() const { return direct.size() + urgent.size() + routine.size(); }
    bool empty() const { return direct.empty() && urgent.empty() && routine.empty(); }
    std::deque<Pending>& front_queue() {
      if (!direct.empty()) return direct;
      return urgent.empty() ? routine : urgent;
    }
  };

  // A member as prepare.lua returns it.
  struct Prepared {
    std::string member_id;
    std::string bytes;
    std::string codes[2];  // sms, email
    std::string addresses[2];
    std::string tag;
  };

  // Holds counted per alert and window end, logged once the alert's holds pause.
  struct HoldCount {
    uint64_t held = 0;
    uint64_t logged = 0;
    Clock::time_point last;
  };

  struct UnconfirmedLog {
    Clock::time_point last;  // of the gateway's last line
    uint64_t unlogged = 0;   // since then
  };

  Impl(boost::asio::any_io_executor ex, redis::Client& r, const config::Config& c,
       const tocsin::Clock& wall, std::vector<std::unique_ptr<adapters::Gateway>> gateways);

  // --- engine.cpp: lifecycle, periodic loops, alerts in use ---------------------------------
  boost::asio::awaitable<void> run();
  void stop();
  boost::asio::awaitable<void> periodic(Wakeup& tick, Clock::duration period);
  boost::asio::awaitable<Result<AlertInfo*>> alert_info(const std::string& id);
  boost::asio::awaitable<void> watch_alerts();
  boost::asio::awaitable<void> tick_rates();

  // --- engine_take.cpp: reading jobs and due retries ---------------------------------------
  boost::asio::awaitable<bool> load_secret();
  boost::asio::awaitable<Result<std::vector<QueueEntry>>> read_queue(redis::StreamConsumer& queue,
                                                                     int count);
  boost::asio::awaitable<bool> recover_own_jobs();
  boost::asio::awaitable<void> read_jobs();
  boost::asio::awaitable<void> keep_and_claim();
  redis::StreamConsumer& jobs_of_queue(std::string_view queue);
  boost::asio::awaitable<bool> take(const QueueEntry& entry);
  boost::asio::awaitable<void> take_retries();
  boost::asio::awaitable<void> retry(const std::string& alert_id,
                                     const std::vector<RetryEntry>& entries);
  boost::asio::awaitable<std::optional<std::vector<Prepared>>> prepare(
      const AlertInfo& alert, const std::string& alert_id, const std::vector<std::string>& members,
      const std::vector<std::string>& retry_channels);

  // --- engine_queue.cpp: a prepared member's messages -------------------------------------
  void queue_member(const AlertInfo& alert, const Prepared& prepared,
                    const std::shared_ptr<Job>& job, const RetryEntry* retry);
  void log_holds();

  // --- engine_send.cpp: the hand-off to gateways and the outcomes -------------------------
  boost::asio::awaitable<void> pump(std::string channel);
  boost::asio::awaitable<bool> check_opt_outs(std::deque<Pending>& lane,
                                              const std::string& channel);
  boost::asio::awaitable<void> send(Pending pending, GatewayPool::Pick picked,
                                    adapters::GatewayRequest request);
  void finish(const Pending& pending, const GatewayPool::Pick& picked,
              const adapters::GatewayResponse& response);
  void note_unconfirmed(const GatewaySlot& slot, const SendResult& result);
  void drop(const Pending& pending);
  void complete(Job* job, RecordItem item);
  void acknowledge(const Job& job);
  void on_written(const std::vector<RecordItem>& items);
  void count_final(std::string_view state);

  // --- small helpers ----------------------------------------------------------------------
  size_t ready_total() const {
    size_t total = 0;
    for (const auto& [channel, queue] : ready) total += queue->size();
    return total;
  }
  int64_t now_ms() const { return wall_clock.now_ms(); }
  double uniform() { return std::uniform_real_distribution<double>(0, 1)(random); }
  static std::optional<AlertFacts> facts_of(const AlertInfo* alert) {
    if (!alert) return std::nullopt;
    return alert->facts();
  }

  // --- state ------------------------------------------------------------------------------
  boost::asio::any_io_executor executor;
  redis::Client& redis;
  const config::Config& config;
  // The time of day for expiry and retry due times: the wall clock, or tests' moved one.
  const tocsin::Clock& wall_clock;
  std::string consumer;
  io::RequestExecutor requests;
  Recorder recorder;
  // The two job queues, read through the group "dispatch", urgent first.
  redis::StreamConsumer urgent_jobs;
  redis::StreamConsumer routine_jobs;
  Wakeup reader_wakeup;
  Wakeup stopped;
  // One per periodic loop (a Wakeup has one waiter, or its waiters would wake each other
  // in turn); stop() wakes them all.
  Wakeup watch_tick;
  Wakeup retry_tick;
  Wakeup claim_tick;
  Wakeup rate_tick;
  GatewayPool pool;
  RetryPolicy policy;
  QuietHold quiet;
  std::mt19937_64 random{std::random_device{}()};
  std::string rsvp_secret;

  std::map<std::string, std::unique_ptr<ReadyQueue>> ready;
  size_t window = 0;
  std::unordered_map<std::string, AlertInfo> alerts;
  std::map<std::string, std::string> held_jobs;  // entry id -> queue, until acknowledged
  std::map<std::pair<std::string, int64_t>, HoldCount> hold_counts;
  std::map<std::string, UnconfirmedLog> unconfirmed_log;
  bool stopping = false;
  bool recorder_done = false;
  int running_tasks = 0;
  EngineStats stats;
};

}  // namespace tocsin::dispatch
