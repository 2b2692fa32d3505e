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

#include "tests/support/alert_scenario.h"
#include "tests/support/kannel_harness.h"
#include "tests/support/temp_dir.h"
#include "tests/support/twilio_server.h"

namespace tocsin {
namespace {

using namespace std::chrono_literals;
using testing::eventually;
using testing::TwilioServer;

std::string twilio_gateway(const std::string& name, const TwilioServer& server, int rate,
                           int timeout_ms = 2000) {
  return testing::twilio_gateway_config(name, server, rate, 8, timeout_ms);
}

const std::string kAlert = testing::alert_json(
    "SMS",
    R"({"sms":"{first_name}, assemblée au {place}. OUI {code} ou NON {code}. {rsvp_link}"})");

class GatewayFailover : public ::testing::Test {
 protected:
  void start_daemon(const std::string& gateways) {
    scenario_ = std::make_unique<testing::AlertScenario>(
        testing::AlertScenario::Options{.gateways = gateways});
  }

  void import(size_t members) {
    testing::RosterOptions roster;
    roster.members = members;
    scenario_->import_roster(roster);
  }

  // Creates and sends an SMS alert to everyone; its id.
  std::string send_sms_alert() {
    const std::string id = scenario_->create_alert(kAlert).id;
    scenario_->send(id);
    return id;
  }

  bool wait_sent(const std::string& id, std::chrono::milliseconds timeout) {
    return scenario_->wait_state(id, "sent", timeout);
  }

  int64_t count(const std::string& id, const std::string& state) {
    return scenario_->count(id, state);
  }

  // The numbers the alert is for (one per distinct mobile), from its address map.
  std::set<std::string> numbers(const std::string& id) {
    std::set<std::string> result;
    for (const auto& [address, member] : scenario_->recipients(id)) {
      if (address.starts_with("+")) result.insert(address);
    }
    return result;
  }

  static std::set<std::string> numbers_reached(const TwilioServer& server) {
    std::set<std::string> result;
    for (const auto& message : server.messages()) result.insert(message.to);
    return result;
  }

  std::string describe(const std::string& id) { return scenario_->describe(id); }

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
    // A request tw-a read and never answered may have been sent by it: it is recorded as
    // sent (unconfirmed) and never sent again, through tw-a or tw-b.
    const auto hung = a.hung_numbers();
    if (fault == TwilioServer::Mode::hang) {
      EXPECT_GE(hung.size(), 5u) << "the requests in flight when it hung, and its probes";
      EXPECT_LE(hung.size(), 40u);
    }
    for (const auto& number : hung) EXPECT_FALSE(reached.contains(number)) << "sent again";
    reached.insert(hung.begin(), hung.end());
    EXPECT_EQ(reached, expected);
    EXPECT_EQ(count(id, "sent"), static_cast<int64_t>(expected.size()));
    EXPECT_EQ(count(id, "failed"), 0);
  }

  std::unique_ptr<testing::AlertScenario> scenario_;
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
  start_daemon(
      "gateways { name: \"kn\" rate_per_second: 150 max_concurrency: 8 kannel { "
      "sendsms_url: \"" +
      kannel.sendsms_url() + "\" username: \"" + kannel.username() + "\" password { inline: \"" +
      kannel.password() +
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
  for (const auto& member :
       scenario_->redis().command({"SMEMBERS", "{roster}:members:sms"}).elements) {
    auto idx = scenario_->redis().command(
        {"HMGET", "{roster}:member:" + member.str + ":idx", "mobile", "email"});
    const std::string& number = idx.elements[0].str;
    if (scenario_->redis().integer({"SCARD", "{roster}:phone:" + number}) != 1)
      continue;  // not shared
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
    EXPECT_TRUE(scenario_->redis()
                    .text({"HGET", "alert:{" + id + "}:delivery", member + ":sms"})
                    .starts_with("failed"));
    EXPECT_EQ(scenario_->redis().text({"HGET", "alert:{" + id + "}:delivery", member + ":email"}),
              "sent");
  }
  EXPECT_EQ(count(id, "failed"), 11) << describe(id);
  EXPECT_FALSE(numbers_reached(twilio).contains(without_email_number));
}

}  // namespace
}  // namespace tocsin
