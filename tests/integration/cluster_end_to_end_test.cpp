// tocsind on a Redis Cluster of three masters with a replica each (issue 20): the main path
// end to end — a roster imported, an alert to everyone through a Twilio-shaped server,
// members' signed replies, the turnout a coordinator reads, a reminder wave that comes due
// — with the daemon's keys spread over the three masters; and a blast that goes on when
// the master holding the alert is killed with SIGKILL and its replica promoted: no member
// lost, no more sent twice than were in flight. The figures are printed.

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <set>
#include <string>

#include "http/json.h"
#include "proto/tocsin.pb.h"
#include "tests/support/alert_scenario.h"
#include "tests/support/daemon_process.h"
#include "tests/support/http_client.h"
#include "tests/support/redis_cluster_nodes.h"
#include "tests/support/redis_sync.h"
#include "tests/support/synthetic_roster.h"
#include "tests/support/twilio_server.h"

namespace tocsin {
namespace {

using namespace std::chrono_literals;
using testing::eventually;
using testing::http_request;

constexpr int kMaxInFlight = 256;  // dispatch.max_in_flight's default

class ClusterEndToEnd : public ::testing::Test {
 protected:
  void start_daemon(bool test_clock) {
    testing::DaemonProcess::Options options;
    options.redis_fields = cluster_.daemon_redis_fields();
    options.extra_config = testing::twilio_gateway_config("tw", twilio_, 2000, 64) +
                           "alerts { approval_threshold: 100000 }\n";
    options.test_clock = test_clock;
    daemon_ = std::make_unique<testing::DaemonProcess>(options);
    admin_ = "Authorization: Bearer " + daemon_->bootstrap_admin("cluster");
  }

  void import(size_t members) {
    testing::RosterOptions roster;
    roster.members = members;
    roster.shared_phone_every = 0;  // one member per phone: a message twice is a duplicate
    const auto imported =
        http_request("POST", daemon_->base_url() + "/v1/members:import",
                     testing::make_roster_csv(roster), {admin_, "Content-Type: text/csv"});
    ASSERT_EQ(imported.status, 200) << imported.body;
  }

  // Creates and sends an SMS alert to everyone; its id.
  std::string send(const std::string& more_fields = "") {
    const auto created = http_request(
        "POST", daemon_->base_url() + "/v1/alerts",
        testing::alert_json("SMS", R"({"sms":"Loi spéciale: assemblée ce soir. OUI {code}"})", "",
                            more_fields),
        {admin_});
    EXPECT_EQ(created.status, 201) << created.body;
    AlertResponse alert;
    std::string error;
    EXPECT_TRUE(http::from_json(created.body, &alert, &error)) << error;
    const std::string id = alert.alert().id();
    EXPECT_EQ(http_request("POST", daemon_->base_url() + "/v1/alerts/" + id + ":send", "", {admin_})
                  .status,
              202);
    return id;
  }

  // The alert's state through the API ("" while the daemon cannot say: 503 during a failover).
  AlertState state(const std::string& id) {
    const auto answer = http_request("GET", daemon_->base_url() + "/v1/alerts/" + id, "", {admin_});
    AlertResponse response;
    std::string ignored;
    if (answer.status != 200 || !http::from_json(answer.body, &response, &ignored)) {
      return ALERT_STATE_UNSPECIFIED;
    }
    return response.alert().state();
  }

  std::optional<TurnoutResponse> turnout(const std::string& id) {
    const auto answer =
        http_request("GET", daemon_->base_url() + "/v1/alerts/" + id + "/turnout", "", {admin_});
    TurnoutResponse response;
    std::string ignored;
    if (answer.status != 200 || !http::from_json(answer.body, &response, &ignored)) {
      return std::nullopt;
    }
    return response;
  }

  // A blocking connection to the master holding `key` now.
  testing::RedisSync node_of(const std::string& key) {
    return testing::RedisSync(cluster_.port_for_key(key));
  }

  std::string log() { return daemon_->process().stderr_text().substr(0, 8000); }

  testing::RedisClusterNodes cluster_;
  testing::TwilioServer twilio_;
  std::unique_ptr<testing::DaemonProcess> daemon_;
  std::string admin_;
};

TEST_F(ClusterEndToEnd, ImportAlertRepliesTurnoutAndAReminderWave) {
  start_daemon(/*test_clock=*/true);
  constexpr size_t kMembers = 300;
  import(kMembers);
  const std::string reminder = R"([{"delayMinutes":45,"targetGroup":"no_answer","channels":"SMS",)"
                               R"("messages":{"fr":{"sms":"RAPPEL: réponds OUI ou NON {code}"}}}])";
  const std::string id = send(R"("waves":)" + reminder);
  ASSERT_TRUE(eventually([&] { return state(id) == SENT; }, 60s)) << log();
  const auto per_number = twilio_.accepted_per_number();
  EXPECT_EQ(per_number.size(), kMembers);
  EXPECT_EQ(twilio_.duplicates(), 0u);

  // 60 yes, 20 no, from the phones the alert reached.
  std::vector<std::string> phones;
  for (const auto& [phone, count] : per_number) phones.push_back(phone);
  for (size_t i = 0; i < 80; ++i) {
    const auto answer =
        testing::post_twilio_reply(daemon_->base_url(), "tw", twilio_, phones[i],
                                   i < 60 ? "OUI" : "NON", "SM" + std::to_string(i));
    ASSERT_EQ(answer.status, 200) << answer.body;
  }
  ASSERT_TRUE(eventually(
      [&] {
        auto counts = turnout(id);
        return counts && counts->total().yes() == 60 && counts->total().no() == 20;
      },
      20s))
      << log();
  EXPECT_EQ(turnout(id)->total().targeted(), static_cast<int64_t>(kMembers));

  // The reminder comes due 45 minutes on: it goes to the 220 who said nothing, once each.
  node_of("test:clock_offset_ms").command({"SET", "test:clock_offset_ms", "2760000"});
  ASSERT_TRUE(eventually(
      [&] {
        size_t reminded = 0;
        for (const auto& message : twilio_.messages()) {
          if (message.body.find("RAPPEL") != std::string::npos) ++reminded;
        }
        return reminded == kMembers - 80;
      },
      60s))
      << log();
  std::set<std::string> answered(phones.begin(), phones.begin() + 80);
  for (const auto& message : twilio_.messages()) {
    if (message.body.find("RAPPEL") == std::string::npos) continue;
    EXPECT_FALSE(answered.contains(message.to)) << "a member who had answered was reminded";
  }

  // The daemon's keys are on all three masters, not one.
  for (uint16_t port : cluster_.master_ports()) {
    EXPECT_GT(testing::RedisSync(port).integer({"DBSIZE"}), 0) << "master " << port << " is empty";
  }
}

TEST_F(ClusterEndToEnd, ABlastGoesOnWhenTheAlertsMasterIsFailedOverToItsReplica) {
  start_daemon(/*test_clock=*/false);
  constexpr size_t kMembers = 20'000;
  import(kMembers);
  const std::string id = send();
  const uint16_t master = cluster_.port_for_key("alert:{" + id + "}");

  ASSERT_TRUE(eventually([&] { return twilio_.accepted() >= kMembers / 4; }, 60s)) << log();
  const auto killed_at = std::chrono::steady_clock::now();
  const uint64_t accepted_at_kill = twilio_.accepted();
  cluster_.kill_master(master);
  const bool sent = eventually([&] { return state(id) == SENT; }, 120s);

  const auto per_number = twilio_.accepted_per_number();
  const auto pause = twilio_.longest_pause_after(killed_at);
  std::printf(
      "cluster: the alert's master killed after %llu of %zu messages; longest pause in sending "
      "after the kill %lld ms; members reached %zu; lost %zu; sent twice %llu (in flight at "
      "most %d)\n",
      static_cast<unsigned long long>(accepted_at_kill), kMembers,
      static_cast<long long>(pause.count()), per_number.size(),
      kMembers - std::min(kMembers, per_number.size()),
      static_cast<unsigned long long>(twilio_.duplicates()), kMaxInFlight);
  ASSERT_TRUE(sent) << "the alert did not finish after the failover: " << log();
  EXPECT_EQ(per_number.size(), kMembers) << "members never sent the message";
  EXPECT_LE(twilio_.duplicates(), static_cast<uint64_t>(kMaxInFlight));
  EXPECT_NE(cluster_.port_for_key("alert:{" + id + "}"), master);
}

}  // namespace
}  // namespace tocsin
