#pragma once
// A real redis-server and tocsind ready to send alerts end to end, for the tests that go
// from a roster to what a provider received: the daemon is configured with the given
// gateways and an approval threshold no test audience reaches, and has an admin token.
// Helpers import a roster through the API, create and send an alert, and read the alert's
// bookkeeping in Redis. Failures throw std::runtime_error with the daemon's answer.

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tests/support/daemon_process.h"
#include "tests/support/redis_server.h"
#include "tests/support/redis_sync.h"
#include "tests/support/synthetic_roster.h"

namespace tocsin::testing {

class TwilioServer;
struct HttpResponse;

// A member's SMS reply as the Twilio-shaped `server` would deliver it: POSTed, signed with
// its auth token, to the daemon's inbound webhook of gateway `gateway`.
HttpResponse post_twilio_reply(const std::string& daemon_url, const std::string& gateway,
                               const TwilioServer& server, const std::string& from,
                               const std::string& text, const std::string& message_sid);

// A `gateways { }` entry for a Twilio-shaped server.
std::string twilio_gateway_config(const std::string& name, const TwilioServer& server,
                                  double rate_per_second, int max_concurrency = 16,
                                  int timeout_ms = 10'000);

// The JSON of an emergency assembly to everyone, by `channels` ("SMS", "EMAIL", "BOTH"),
// with these messages ("fr" and "en" objects of the API, e.g. {"sms":"..."}; "" for none)
// and any further fields (e.g. R"("pickupPoints":[...])").
std::string alert_json(const std::string& channels, const std::string& fr,
                       const std::string& en = "", const std::string& more_fields = "");

// A measure summed over every region of raw turnout fields ("region|dimension|measure"):
// sum_over_regions(tally, "all|yes") is the alert's yes.
int64_t sum_over_regions(const std::map<std::string, int64_t>& fields,
                         std::string_view dimension_measure);

class AlertScenario {
 public:
  struct Options {
    std::string gateways;      // text-format `gateways { }` entries
    std::string extra_config;  // more top-level blocks
    uint16_t port = 0;         // DaemonProcess::Options::port
    std::string http_fields;   // DaemonProcess::Options::http_fields
    bool test_clock = false;   // DaemonProcess::Options::test_clock
  };

  explicit AlertScenario(Options options);
  ~AlertScenario();

  DaemonProcess& daemon() { return *daemon_; }
  RedisSync& redis() { return *sync_; }
  const std::string& token() const { return token_; }
  // Where the scenario's redis-server listens, for a second daemon sharing it.
  std::string redis_url() const { return redis_server_.url(); }
  // The scenario's redis-server, for a test to stop and start it.
  RedisServer& redis_server() { return redis_server_; }
  // Kills the daemon with SIGKILL, as a crash does, and starts another with the same
  // config: its spool, if the config puts it outside the daemon's own directory, is the
  // first one's. The new daemon listens on a new port.
  void kill_and_restart_daemon();
  std::string authorization() const { return "Authorization: Bearer " + token_; }

  // Imports make_roster(options) through the API; the members.
  std::vector<RosterMember> import_roster(const RosterOptions& options);

  struct Alert {
    std::string id;
    std::string code;
  };
  Alert create_alert(const std::string& json);
  void send(const std::string& id);
  // Creates, sends and waits until the alert is sent.
  Alert send_and_wait(const std::string& json,
                      std::chrono::milliseconds timeout = std::chrono::seconds(60));

  std::string state(const std::string& id);
  bool wait_state(const std::string& id, std::string_view state, std::chrono::milliseconds timeout);
  // A field of alert:{id}:count (0 when absent).
  int64_t count(const std::string& id, const std::string& delivery_state);
  // The sum of several, read at once: a message whose delivery report moves it from one
  // state to the other between two reads would be counted in both.
  int64_t count_sum(const std::string& id, const std::vector<std::string>& delivery_states);
  // alert:{id}:to: each address the alert went to -> the member it went to.
  std::map<std::string, std::string> recipients(const std::string& id);
  // alert:{id}:links reversed: member -> the tag of their RSVP link.
  std::map<std::string, std::string> link_tags(const std::string& id);
  // alert:{id}:tally, and the tally recomputed from the stored RSVPs and the unclear
  // replies of members without one (replies::recount): the two must be equal. Stored
  // RSVPs that do not decode are counted in *unreadable.
  std::map<std::string, int64_t> tally(const std::string& id);
  std::map<std::string, int64_t> recount(const std::string& id, size_t* unreadable);
  // alert:{id}:reach, and the reach recomputed from alert:{id}:delivery, :dims and
  // :unreachable (turnout::recount_reach): the two must be equal.
  std::map<std::string, int64_t> reach(const std::string& id);
  std::map<std::string, int64_t> recount_reach(const std::string& id);
  // The alert's counts and the start of the daemon's log, for a failure message.
  std::string describe(const std::string& id);

 private:
  RedisServer redis_server_;
  DaemonProcess::Options daemon_options_;
  std::unique_ptr<DaemonProcess> daemon_;
  std::unique_ptr<RedisSync> sync_;
  std::string token_;
};

}  // namespace tocsin::testing
