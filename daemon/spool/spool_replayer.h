#pragma once
// Replays a spool (spool.h) into Redis once Redis is back: the records in the order they
// came, each released once applied, the spool's cursor saved after each batch.
//
// What `apply` answers decides the rest:
//   done     applied (or found applied already): released
//   later    Redis went away again: the same record is tried once it is back
//   refused  Redis answered but would not take it: tried again a few times; then, if
//            Redis takes the record behind it, set aside in the spool's set-aside.spool
//            for a person and logged, so that one bad record cannot hold every reply
//            behind it. If Redis refuses that one too, the fault is Redis's (out of
//            memory, say): nothing is set aside, and both are tried again.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "util/wakeup.h"

namespace tocsin::spool {

class Spool;
struct SpoolEntry;

enum class Replayed { done, later, refused };

struct ReplayerOptions {
  size_t batch = 64;
  // How often readiness is looked at while Redis is away, and the pause after a refusal.
  std::chrono::milliseconds poll{200};
  std::chrono::milliseconds retry_pause{1000};
  int refusals_before_set_aside = 5;
  // How often the spool's depth is logged while it holds records.
  std::chrono::milliseconds depth_log_interval{5000};
};

class SpoolReplayer {
 public:
  using Apply = std::function<boost::asio::awaitable<Replayed>(const std::string& payload)>;

  // Takes the spool's on_appended() to hear of new records.
  SpoolReplayer(boost::asio::any_io_executor executor, Spool& spool, std::function<bool()> ready,
                Apply apply, ReplayerOptions options = {});

  boost::asio::awaitable<void> run();
  // Records were appended, or Redis is back: look now rather than at the next poll.
  void notify() { wakeup_.notify(); }
  void stop();

  uint64_t replayed() const { return replayed_; }
  uint64_t set_aside() const { return set_aside_; }

 private:
  // Replays one batch; false when it stopped early (Redis away, a refusal).
  boost::asio::awaitable<bool> replay_batch();
  void applied(const SpoolEntry& entry);
  void log_depth(bool force);

  Spool& spool_;
  std::function<bool()> ready_;
  Apply apply_;
  ReplayerOptions options_;
  Wakeup wakeup_;
  bool stopping_ = false;
  int refusals_ = 0;
  uint64_t replayed_ = 0;
  uint64_t set_aside_ = 0;
  uint64_t replayed_since_drained_ = 0;
  std::chrono::steady_clock::time_point last_depth_log_{};
};

}  // namespace tocsin::spool
