#pragma once
// Work due at a time, kept in Redis so it survives restarts and runs once even when several
// daemons share Redis: scheduled sends and escalation waves (issue 8).
//
//   {schedule}          ZSET "kind|subject" by due time (ms)
//   {schedule}:running  ZSET "kind|subject" by lease deadline (ms): claimed, not yet done
//   {schedule}:owner    HASH "kind|subject" -> the daemon that holds the lease
// (named in schedule_keys.h, with one hash tag).
//
// Each tick one script (claim_items.lua) claims what is due (moves it from `{schedule}` to
// `{schedule}:running` with a lease) and what a silent daemon left running past its lease.
// A handler's work must therefore be idempotent: after a crash it runs again, from the start.
// Due times are read from the Clock, so tests move time instead of sleeping.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>

#include "schedule/schedule_keys.h"
#include "util/result.h"

namespace tocsin {
class Clock;
}
namespace tocsin::redis {
class Client;
}

namespace tocsin::schedule {

// The keys above, for other components that schedule in the same step as their own change
// (an alert's waves' lapse). Aliases of schedule_keys.h, until their last user includes it.
inline constexpr std::string_view kDueKey = keys::kDue;
inline constexpr std::string_view kRunningKey = keys::kRunning;

// What a handler says of an item: done (removed), or to be tried again after a delay
// (Redis away, a transient failure).
struct TaskOutcome {
  bool done = true;
  std::chrono::milliseconds retry_after{0};
};
using TaskHandler = std::function<boost::asio::awaitable<TaskOutcome>(std::string subject)>;

struct SchedulerOptions {
  std::string owner;  // this daemon (dispatch.consumer_name)
  std::chrono::milliseconds tick{250};
  std::chrono::milliseconds lease{60'000};
  size_t batch = 50;  // items claimed per tick
};

struct SchedulerStats {
  uint64_t ran = 0;
  uint64_t retried = 0;
  uint64_t reclaimed = 0;  // taken over after a lease ran out
  uint64_t unhandled = 0;  // kinds with no handler: left for a daemon that has one
};

class Scheduler {
 public:
  // Registers its scripts with redis.load_on_connect(): construct before redis.run().
  Scheduler(boost::asio::any_io_executor executor, redis::Client& redis, const Clock& clock,
            SchedulerOptions options);
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // The handler of items "kind|...". Register before run().
  void handle(std::string kind, TaskHandler handler);

  // Runs until stop(); returns once the item in hand is finished.
  boost::asio::awaitable<void> run();
  void stop();
  // Something became due now (e.g. just scheduled for the past): look without waiting.
  void notify();

  // Adds the item, or moves its due time. Does nothing to an item running now. An error
  // when Redis did not take it.
  boost::asio::awaitable<std::error_code> schedule(const std::string& kind,
                                                   const std::string& subject, int64_t due_ms);
  // Removes a waiting item; false when there was none (never scheduled, running or done).
  boost::asio::awaitable<Result<bool>> unschedule(const std::string& kind,
                                                  const std::string& subject);

  SchedulerStats stats() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace tocsin::schedule
