#pragma once
// An alert's steps write only keys under its own hash tag (a Redis Cluster runs a script on
// one slot), yet some of their records belong to shared keys: the audit entry to the
// global audit log, the seat news to seats:notices, which one consumer group reads for
// every alert, and (a higher layer's: schedule/schedule_outbox.h) the scheduler's items.
// So each step appends them to the alert's own streams (its trail, alert:{id}:audit,
// alert:{id}:seat_notices, alert:{id}:schedule_out) atomically with the change, and the
// caller relays them right after (redis/stream_relay.h): exactly once, in order.
//
// A relay cut short (a crash, a lost connection between the step and its relay) is made up
// by the sweep, which AlertRelaySweep runs at start and every interval over the alerts of
// the index. Until then the entry is in the alert's own stream, only later in the shared
// one.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "redis/client.h"
#include "redis/stream_relay.h"
#include "util/result.h"

namespace tocsin::alerts {

enum class Outbox { audit, seat_notices };

redis::RelayTarget relay_target(Outbox outbox);
// The alert's own stream feeding `outbox`.
std::string outbox_source(Outbox outbox, const std::string& alert_id);

// One of an alert's outboxes and where it goes, for the sweep: the two above, and those of
// higher layers (the scheduler's items, schedule/schedule_outbox.h).
struct OutboxRoute {
  std::string name;                                      // for the log
  std::function<std::string(const std::string&)> source;  // alert id -> its outbox's key
  redis::RelayTarget target;
};
OutboxRoute route(Outbox outbox);
// Relays the alert's outbox of `route` now. A failure is logged; the sweep makes it up.
boost::asio::awaitable<void> relay(redis::Client& redis, const std::string& alert_id,
                                   const OutboxRoute& route);

// Relays the alert's stream to `outbox` now. A failure is logged; the sweep makes it up.
boost::asio::awaitable<void> relay(redis::Client& redis, const std::string& alert_id,
                                   Outbox outbox);
// Both of the alert's streams.
boost::asio::awaitable<void> relay_all(redis::Client& redis, const std::string& alert_id);

// Relays every outbox of `routes` (default: the audit trail and the seat news) of every
// alert in the index that has entries past its cursor, and each of `standing`. Returns the
// number relayed.
boost::asio::awaitable<Result<size_t>> sweep_relays(
    redis::Client& redis, const std::vector<OutboxRoute>& routes,
    const std::vector<redis::RelaySource>& standing = {});
boost::asio::awaitable<Result<size_t>> sweep_relays(redis::Client& redis);

// Loads the relay's script on each of the client's connections and notes there when
// relaying began ({audit}:relay_began: a trail's entries before it went to the audit log
// directly, written by a tocsind of before the relay). Every client that writes an alert's
// streams or relays them is registered before it connects.
void register_relays(redis::Client& redis);

// sweep_relays() at start (once Redis answers), then every interval.
class AlertRelaySweep {
 public:
  AlertRelaySweep(boost::asio::any_io_executor executor, redis::Client& redis,
                  std::vector<OutboxRoute> routes, std::chrono::milliseconds interval,
                  std::vector<redis::RelaySource> standing = {});
  ~AlertRelaySweep();
  boost::asio::awaitable<void> run();
  void stop();

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace tocsin::alerts
