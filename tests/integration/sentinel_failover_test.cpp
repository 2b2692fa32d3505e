// A blast survives the death of its Redis master (issue 20): tocsind finds the master
// through three real sentinels, sends to 20,000 members through a Twilio-shaped server, and
// the master is killed with SIGKILL in the middle. The sentinels promote the replica, the
// daemon follows without a person, and the blast ends: every member got the message (none
// lost) and no more got it twice than the messages in flight at the kill. The figures
// (messages sent twice, the longest pause in sending after the kill) are printed.

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>

#include "http/json.h"
#include "proto/tocsin.pb.h"
#include "tests/support/alert_scenario.h"
#include "tests/support/daemon_process.h"
#include "tests/support/http_client.h"
#include "tests/support/redis_sentinels.h"
#include "tests/support/synthetic_roster.h"
#include "tests/support/twilio_server.h"

namespace tocsin {
namespace {

using namespace std::chrono_literals;
using testing::eventually;
using testing::http_request;

constexpr size_t kMembers = 20'000;
constexpr int kMaxInFlight = 256;  // dispatch.max_in_flight's default

TEST(SentinelFailover, ABlastResumesOnThePromotedReplicaWithNoMemberLost) {
  testing::RedisSentinels sentinels;
  testing::TwilioServer twilio;
  testing::DaemonProcess daemon(
      {.redis_fields = sentinels.daemon_redis_fields(),
       .extra_config = testing::twilio_gateway_config("tw", twilio, 2000, 64) +
                       "alerts { approval_threshold: 100000 }\n"});
  const std::string admin = "Authorization: Bearer " + daemon.bootstrap_admin("failover");

  testing::RosterOptions roster;
  roster.members = kMembers;
  roster.shared_phone_every = 0;  // one member per phone: a message twice is a duplicate
  const auto imported =
      http_request("POST", daemon.base_url() + "/v1/members:import",
                   testing::make_roster_csv(roster), {admin, "Content-Type: text/csv"});
  ASSERT_EQ(imported.status, 200) << imported.body;
  const auto created = http_request(
      "POST", daemon.base_url() + "/v1/alerts",
      testing::alert_json("SMS", R"({"sms":"Loi spéciale: assemblée ce soir. OUI {code}"})"),
      {admin});
  ASSERT_EQ(created.status, 201) << created.body;
  AlertResponse alert;
  std::string error;
  ASSERT_TRUE(http::from_json(created.body, &alert, &error)) << error;
  const std::string id = alert.alert().id();
  ASSERT_EQ(
      http_request("POST", daemon.base_url() + "/v1/alerts/" + id + ":send", "", {admin}).status,
      202);

  ASSERT_TRUE(eventually([&] { return twilio.accepted() >= kMembers / 4; }, 60s));
  const auto killed_at = std::chrono::steady_clock::now();
  const uint64_t accepted_at_kill = twilio.accepted();
  sentinels.master().kill();

  // GET answers 503 while no master is reachable: polled until the alert is sent.
  const auto state = [&] {
    const auto answer = http_request("GET", daemon.base_url() + "/v1/alerts/" + id, "", {admin});
    AlertResponse response;
    std::string ignored;
    if (answer.status != 200 || !http::from_json(answer.body, &response, &ignored)) {
      return ALERT_STATE_UNSPECIFIED;
    }
    return response.alert().state();
  };
  const bool sent = eventually([&] { return state() == SENT; }, 120s);

  const auto per_number = twilio.accepted_per_number();
  // The messages in hand at the kill still go out; then sending pauses until the daemon
  // is on the new master. The longest pause after the kill is what members waited.
  const auto pause = twilio.longest_pause_after(killed_at);
  std::printf(
      "master killed after %llu of %zu messages; longest pause in sending after the kill %lld "
      "ms; members reached %zu; lost %zu; sent twice %llu (in flight at most %d)\n",
      static_cast<unsigned long long>(accepted_at_kill), kMembers,
      static_cast<long long>(pause.count()), per_number.size(),
      kMembers - std::min(kMembers, per_number.size()),
      static_cast<unsigned long long>(twilio.duplicates()), kMaxInFlight);
  ASSERT_TRUE(sent) << "the alert did not finish after the failover";
  EXPECT_EQ(per_number.size(), kMembers) << "members never sent the message";
  EXPECT_LE(twilio.duplicates(), static_cast<uint64_t>(kMaxInFlight));
  EXPECT_NE(sentinels.current_master_port(), sentinels.master().port());
}

}  // namespace
}  // namespace tocsin
