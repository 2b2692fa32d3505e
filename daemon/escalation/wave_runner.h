#pragma once
// Runs an alert's escalation waves (Alert.waves) when they come due. When an alert starts
// sending, the send queue's script adds one scheduler item per wave, "wave|<id>|<n>", due
// at the wave's time (alerts/child_alert.h wave_due_ms), in the same atomic step: so a
// wave survives any restart, and the scheduler (schedule/scheduler.h) runs it once even
// with several daemons on one Redis.
//
// Running wave n: nothing if the alert was cancelled or closed meanwhile, or once its
// event has started or it has expired (recorded in the audit stream as
// alert.wave_skipped). Otherwise its child alert is stored (once: AlertStore keeps it in the
// parent's slot "wave:n") and sent through the send queue, which freezes the members of
// the wave's group at that moment. A crash at any point runs the item again from the
// start, and each step finds what the first run did.

#include <boost/asio/awaitable.hpp>

#include <memory>
#include <string>

#include "schedule/scheduler.h"

namespace tocsin {
class Clock;
}
namespace tocsin::redis {
class Client;
}
namespace tocsin::config {
class Config;
}
namespace tocsin::dispatch {
class SendQueue;
}
namespace tocsin::alerts {
class AlertStore;
}

namespace tocsin::escalation {

inline constexpr std::string_view kWaveTask = "wave";

class WaveRunner {
 public:
  // Registers its scripts with load_on_connect(): construct before redis.run().
  WaveRunner(redis::Client& redis, const config::Config& config, const Clock& clock,
             dispatch::SendQueue& send_queue);
  ~WaveRunner();

  // Makes the scheduler call run() for "wave|..." items. Before scheduler.run().
  void handle_waves(schedule::Scheduler& scheduler);

  // One wave: subject "<alert id>|<n>".
  boost::asio::awaitable<schedule::TaskOutcome> run(std::string subject);

 private:
  boost::asio::awaitable<void> skip(const std::string& alert_id, int index,
                                    const std::string& reason);

  redis::Client& redis_;
  const Clock& clock_;
  dispatch::SendQueue& send_queue_;
  std::unique_ptr<alerts::AlertStore> store_;
};

}  // namespace tocsin::escalation
