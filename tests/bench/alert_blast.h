#pragma once
// What the gateway benchmarks share: a real redis-server and tocsind configured with the
// benchmark's gateways, a synthetic roster imported (one phone per member), and one SMS
// alert created, sent and waited for until the daemon marks it sent.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "tests/support/daemon_process.h"
#include "tests/support/redis_server.h"
#include "tests/support/redis_sync.h"

namespace tocsin::bench {

// The JSON of an emergency assembly to everyone by SMS, with the given French and
// English templates ({first_name}, {event_time}, {place}, {code}, {rsvp_link}); with
// fold_accents, names such as François stay in GSM-7.
std::string sms_alert_json(const std::string& french, const std::string& english,
                           bool fold_accents);

class AlertBlast {
 public:
  using Clock = std::chrono::steady_clock;

  // gateways: the text-format `gateways { ... }` blocks; extra: any other top-level
  // blocks (e.g. "dispatch { ... }"). Starts Redis and tocsind, imports `members`.
  AlertBlast(const std::string& gateways, const std::string& extra, size_t members);

  testing::DaemonProcess& daemon() { return *daemon_; }
  testing::RedisSync& redis() { return *sync_; }
  const std::string& admin_token() const { return admin_; }
  int64_t reachable_by_sms();

  // POST /v1/alerts: the new alert's id. Throws when the daemon refuses it.
  std::string create(const std::string& alert_json);
  // POST /v1/alerts/{id}:send; throws unless 202.
  void send(const std::string& id);
  // Polls the alert's state until "sent"; throws after `timeout`.
  void wait_until_sent(const std::string& id, std::chrono::seconds timeout);
  // The alert's delivery counter (e.g. "sent", "failed").
  int64_t count(const std::string& id, const std::string& state);

 private:
  std::vector<std::string> auth() const;

  testing::RedisServer redis_server_;
  std::unique_ptr<testing::DaemonProcess> daemon_;
  std::unique_ptr<testing::RedisSync> sync_;
  std::string admin_;
};

}  // namespace tocsin::bench
