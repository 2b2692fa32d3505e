// Failover and fallback end to end (issue 5): a real redis-server, a real tocsind and two
// real SMS gateways of one channel. When one of them fails mid-blast (the Twilio-shaped
// server answering 500 or hanging, Kannel's smsbox killed), the daemon takes it out of
// rotation, the other carries the blast, every member is reached, and the failed one is
// used again once it is back. An SMS that fails for good (a landline) goes to the member's
// email instead.

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <regex>
#include <set>

#include "http/json.h"
#include "proto/tocsin.pb.h"
#include "tests/support/daemon_process.h"
#include "tests/support/http_client.h"
#include "tests/support/kannel_harness.h"
#include "tests/support/redis_server.h"
#include "tests/support/redis_sync.h"
#include "tests/support/synthetic_roster.h"
#include "tests/support/temp_dir.h"
#include "tests/support/twilio_server.h"

namespace tocsin {
namespace {

using namespace std::chrono_literals;
using testing::DaemonProcess;
using testing::eventually;
using testing::http_request;
using testing::TwilioServer;

std::string twilio_gateway(const std::string& name, const TwilioServer& server, int rate,
                           int timeout_ms = 2000) {
  return "gateways { name: \"" + name + "\" rate_per_second: " + std::to_string(rate) +
         " max_concurrency: 8 twilio { base_url: \"" + server.base_url() +
         "\" account_sid: \"" + server.account_sid() + "\" auth_token { inline: \"" +
         server.auth_token() + "\" } from: \"+15145550100\" timeout_ms: " +
         std::to_string(timeout_ms) + " } }\n";
}

class GatewayFailover : public ::testing::Test {
 protected:
  void start_daemon(const std::string& gateways) {
    DaemonProcess::Options daemon;
    daemon.redis_url = redis_.url();
    daemon.extra_config = gateways + "alerts { approval_threshold: 100000 }\n";
    daemon_ = std::make_unique<DaemonProcess>(daemon);
    token_ = daemon_->bootstrap_admin("failover");
    redis_sync_ = std::make_unique<testing::RedisSync>(redis_.port());
  }

  void import(size_t members) {
    testing::RosterOptions roster;
    roster.members = members;
    auto imported = http_request("POST", daemon_->base_url() + "/v1/members:import",
                                 testing::make_roster_csv(roster),
                                 {"Authorization: Bearer " + token_, "Content-Type: text/csv"});
    ASSERT_EQ(imported.status, 200) << imported.body;
  }

  // Creates and sends an SMS alert to everyone; its id.
  std::string send_sms_alert() {
    const std::string alert =
        R"({"kind":"EMERGENCY_ASSEMBLY","title":"Failover","eventTime":"2030-06-06T07:00:00-04:00",)"
        R"("expiresAt":"2030-06-06T06:00:00-04:00","place":"Parc","audience":"all",)"
        R"("channels":"SMS","messages":{"fr":{"sms":"{first_name}, assemblée au {place}. )"
        R"(OUI {code} ou NON {code}. {rsvp_link}"}}})";
    const std::vector<std::string> auth = {"Authorization: Bearer " + token_};
    auto created = http_request("POST", daemon_->base_url() + "/v1/alerts", alert, auth);
    EXPECT_EQ(created.status, 201) << created.body;
    AlertResponse response;
    std::string error;
    EXPECT_TRUE(http::from_json(created.body, &response, &error)) << error;
    const std::string id = response.alert().id();
    auto sent = http_request("POST", daemon_->base_url() + "/v1/alerts/" + id + ":send", "", auth);
    EXPECT_EQ(sent.status, 202) << sent.body;
    return id;
  }

  bool wait_sent(const std::string& id, std::chrono::milliseconds timeout) {
    return eventually(
        [&] { return redis_sync_->text({"HGET", "alert:{" + id + "}", "state"}) == "sent"; },
        timeout);
  }

  int64_t count(const std::string& id, const std::string& state) {
    return redis_sync_->integer({"HGET", "alert:{" + id + "}:count", state});
  }

  // The numbers the alert is for (one per distinct mobile), from its address map.
  std::set<std::string> numbers(const std::string& id) {
    std::set<std::string> result;
    const auto to = redis_sync_->command({"HKEYS", "alert:{" + id + "}:to"});
    for (const auto& address : to.elements) {
      if (address.str.starts_with("+")) result.insert(address.str);
    }
    return result;
  }

  static std::set<std::string> numbers_reached(const TwilioServer& server) {
    std::set<std::string> result;
    for (const auto& message : server.messages()) result.insert(message.to);
    return result;
  }

  std::string describe(const std::string& id) {
    std::string text;
    const auto fields = redis_sync_->command({"HGETALL", "alert:{" + id + "}:count"});
    for (size_t i = 0; i + 1 < fields.elements.size(); i += 2) {
      text += fields.elements[i].str + "=" + fields.elements[i + 1].str + " ";
    }
    return text + "| daemon log: " + daemon_->process().stderr_text().substr(0, 4000);
  }

  // Runs a blast over gateways a and b (both Twilio-shaped) and breaks a mid-way with
  // `fault`, for as long as b takes to send 600 more; then mends it.
  void expect_failover_between_twilio_servers(TwilioServer::Mode fault, int timeout_ms) {
    TwilioServer a;
    TwilioServer b;
    start_daemon(twilio_gateway("tw-a", a, 150, timeout_ms) +
                 twilio_gateway("tw-b", b, 150, timeout_ms));
    import(4000);
    const std::string id = send_sms_alert();

    ASSERT_TRUE(eventually([&] { return a.accepted() >= 300; }, 30s)) << describe(id);
    a.set_mode(fault);
    const uint64_t a_requests_at_fault = a.requests();
    const uint64_t b_at_fault = b.accepted();
    ASSERT_TRUE(eventually([&] { return b.accepted() >= b_at_fault + 600; }, 30s)) << describe(id);
    // Out of rotation, not hammered: a few requests fail before it is taken out, then one
    // probe at a time after 1 s, 2 s... (8 in flight when it broke).
    EXPECT_LT(a.requests() - a_requests_at_fault, 40u);
    a.set_mode(TwilioServer::Mode::ok);
    const uint64_t a_at_recovery = a.accepted();

    ASSERT_TRUE(wait_sent(id, 90s)) << describe(id);
    EXPECT_GT(a.accepted(), a_at_recovery + 100) << "tw-a is used again once it answers";

    // Every number reached, exactly once over the two gateways.
    const auto expected = numbers(id);
    ASSERT_GT(expected.size(), 3900u);
    const auto on_a = numbers_reached(a);
    const auto on_b = numbers_reached(b);
    EXPECT_EQ(on_a.size() + on_b.size(), a.accepted() + b.accepted()) << "a number sent twice";
    std::set<std::string> reached = on_a;
    reached.insert(on_b.begin(), on_b.end());
    EXPECT_EQ(reached.size(), on_a.size() + on_b.size()) << "a number on both gateways";
    EXPECT_EQ(reached, expected);
    EXPECT_EQ(count(id, "sent"), static_cast<int64_t>(expected.size()));
    EXPECT_EQ(count(id, "failed"), 0);
  }

  testing::RedisServer redis_;
  std::unique_ptr<DaemonProcess> daemon_;
  std::string token_;
  std::unique_ptr<testing::RedisSync> redis_sync_;
};

TEST_F(GatewayFailover, ServerAnswering500IsTakenOutOfRotationAndUsedAgainWhenItRecovers) {
  expect_failover_between_twilio_servers(TwilioServer::Mode::fail_500, 2000);
}

TEST_F(GatewayFailover, HangingServerIsTakenOutOfRotationAndUsedAgainWhenItRecovers) {
  expect_failover_between_twilio_servers(TwilioServer::Mode::hang, 500);
}

TEST_F(GatewayFailover, KilledSmsboxIsRoutedAroundAndUsedAgainOnceRestarted) {
  testing::KannelHarness kannel;
  TwilioServer twilio;
  start_daemon("gateways { name: \"kn\" rate_per_second: 150 max_concurrency: 8 kannel { "
               "sendsms_url: \"" + kannel.sendsms_url() + "\" username: \"" + kannel.username() +
               "\" password { inline: \"" + kannel.password() +
               "\" } webhook_secret { inline: \"failover-secret-0123\" } timeout_ms: 2000 } }\n" +
               twilio_gateway("tw", twilio, 150));
  import(4000);
  const std::string id = send_sms_alert();

  ASSERT_TRUE(eventually([&] { return kannel.bearerbox_messages_sent() >= 300; }, 30s))
      << describe(id);
  kannel.kill_smsbox();
  const uint64_t twilio_at_kill = twilio.accepted();
  ASSERT_TRUE(eventually([&] { return twilio.accepted() >= twilio_at_kill + 600; }, 30s))
      << describe(id);
  kannel.start_smsbox();
  const long kannel_at_restart = kannel.bearerbox_messages_sent();

  ASSERT_TRUE(wait_sent(id, 90s)) << describe(id);
  EXPECT_GT(kannel.bearerbox_messages_sent(), kannel_at_restart + 100)
      << "kn is used again once its smsbox is back";
  ASSERT_TRUE(eventually(
      [&] {
        return static_cast<long>(kannel.received().size()) == kannel.bearerbox_messages_sent();
      },
      30s))
      << kannel.logs();

  const auto expected = numbers(id);
  ASSERT_GT(expected.size(), 3900u);
  std::multiset<std::string> deliveries;
  for (const auto& message : kannel.received()) deliveries.insert(message.to);
  for (const auto& message : twilio.messages()) deliveries.insert(message.to);
  const std::set<std::string> reached(deliveries.begin(), deliveries.end());
  EXPECT_EQ(reached, expected) << "every number reached";
  // A request the smsbox had taken when it was killed gets no answer and is sent again
  // through twilio: at most the 8 that were in flight can arrive twice.
  EXPECT_LE(deliveries.size() - reached.size(), 8u);
  // Kannel's delivery reports have moved its share on to delivered.
  EXPECT_EQ(count(id, "sent") + count(id, "delivered"), static_cast<int64_t>(expected.size()));
  EXPECT_EQ(count(id, "failed"), 0);
}

TEST_F(GatewayFailover, PermanentSmsFailureFallsBackToTheMembersEmail) {
  TwilioServer twilio;
  testing::TempDir dir;
  const auto email_file = dir.path() / "email.jsonl";
  start_daemon(twilio_gateway("tw", twilio, 500) +
               "gateways { name: \"mail\" rate_per_second: 500 file { channel: \"email\" path: \"" +
               email_file.string() + "\" } }\n");
  import(300);

  // Ten landlines among members with an email, and one among members without.
  std::map<std::string, std::string> landline_owner;  // number -> member
  std::string without_email_number;
  for (const auto& member : redis_sync_->command({"SMEMBERS", "members:sms"}).elements) {
    auto idx = redis_sync_->command({"HMGET", "member:" + member.str + ":idx", "mobile", "email"});
    const std::string& number = idx.elements[0].str;
    if (redis_sync_->integer({"SCARD", "phone:" + number}) != 1) continue;  // not shared
    if (idx.elements[1].str.empty()) {
      if (without_email_number.empty()) without_email_number = number;
    } else if (landline_owner.size() < 10) {
      landline_owner[number] = member.str;
    }
  }
  ASSERT_EQ(landline_owner.size(), 10u);
  ASSERT_FALSE(without_email_number.empty());
  std::set<std::string> landlines = {without_email_number};
  for (const auto& [number, member] : landline_owner) landlines.insert(number);
  twilio.set_landlines(landlines);

  const std::string id = send_sms_alert();
  ASSERT_TRUE(wait_sent(id, 60s)) << describe(id);

  // One email each to the ten, and to nobody else.
  std::set<std::string> emailed;
  std::ifstream lines(email_file);
  static const std::regex kMember(R"re("member":"([^"]+)")re");
  for (std::string line; std::getline(lines, line);) {
    std::smatch match;
    ASSERT_TRUE(std::regex_search(line, match, kMember)) << line;
    EXPECT_TRUE(emailed.insert(match[1].str()).second) << "emailed twice: " << match[1].str();
  }
  std::set<std::string> expected;
  for (const auto& [number, member] : landline_owner) expected.insert(member);
  EXPECT_EQ(emailed, expected);
  for (const auto& [number, member] : landline_owner) {
    EXPECT_TRUE(redis_sync_->text({"HGET", "alert:{" + id + "}:delivery", member + ":sms"})
                    .starts_with("failed"));
    EXPECT_EQ(redis_sync_->text({"HGET", "alert:{" + id + "}:delivery", member + ":email"}),
              "sent");
  }
  EXPECT_EQ(count(id, "failed"), 11) << describe(id);
  EXPECT_FALSE(numbers_reached(twilio).contains(without_email_number));
}

}  // namespace
}  // namespace tocsin
