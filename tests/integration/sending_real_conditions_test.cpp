// Sending under real conditions, end to end: a real redis-server, tocsind as shipped, and
// providers that behave as they do over the internet. The Twilio-shaped server answers in
// 300 ms ± 100 ms (an ordinary SMS API's latency), and members text STOP while the blast
// that is about to reach them is already prepared, through the Twilio webhook and through
// Kannel's fake SMS centre. What the provider received is counted on its side.

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "tests/support/alert_scenario.h"
#include "tests/support/http_client.h"
#include "tests/support/kannel_harness.h"
#include "tests/support/ports.h"
#include "tests/support/twilio_server.h"

namespace tocsin {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using testing::eventually;
using testing::TwilioServer;

// One GSM-7 segment with the link, whatever the member's name: the gateways' rates count
// segments, and this test measures messages.
constexpr char kMarker[] = "Assemblee urgente";
const std::string kAlert = testing::alert_json(
    "SMS", R"({"sms":"Assemblee urgente. OUI {code} ou NON {code}. {rsvp_link}"})");

// The members of an alert in the order the engine sends them: its jobs in the urgent queue,
// oldest first, each job's members in order (one pump per channel sends them first in,
// first out). Read before the first job is acknowledged (acknowledged jobs are deleted).
std::vector<std::string> send_order(testing::RedisSync& redis, const std::string& alert_id) {
  std::vector<std::string> members;
  const auto entries = redis.command({"XRANGE", "q:send:urgent", "-", "+"});
  for (const auto& entry : entries.elements) {
    if (entry.elements.size() != 2) continue;
    const auto& fields = entry.elements[1].elements;
    bool ours = false;
    std::vector<std::string> job;
    for (size_t i = 0; i + 1 < fields.size(); i += 2) {
      if (fields[i].str == "alert") ours = fields[i + 1].str == alert_id;
      if (fields[i].str == "m") job.push_back(fields[i + 1].str);
    }
    if (ours) members.insert(members.end(), job.begin(), job.end());
  }
  return members;
}

// member -> the number the alert goes to, from the alert's address map (filled as members
// are prepared: complete once the alert is sent).
std::map<std::string, std::string> number_of(testing::AlertScenario& scenario,
                                             const std::string& alert_id) {
  std::map<std::string, std::string> numbers;
  for (const auto& [address, member] : scenario.recipients(alert_id)) {
    if (address.starts_with("+")) numbers[member] = address;
  }
  return numbers;
}

// Whether the engine has prepared the alert's message to `number` (the prepare step maps
// each address it claims in alert:{id}:to; nothing is sent before that).
bool prepared(testing::RedisSync& redis, const std::string& alert_id, const std::string& number) {
  return redis.integer({"HEXISTS", "alert:{" + alert_id + "}:to", number}) == 1;
}

// A member's mobile as stored (E.164), from their index.
std::string mobile_of(testing::RedisSync& redis, const std::string& member) {
  return redis.text({"HGET", "{roster}:member:" + member + ":idx", "mobile"});
}

// Imports `members` (one phone each), sends kAlert to them all, and returns the numbers of
// the members at positions [first, last) of the send order once the engine has prepared
// their messages: members who cannot have been sent anything yet, whose message is ready
// to go. Empty (with a test failure) when that does not happen in time.
std::vector<std::string> start_blast_and_choose(testing::AlertScenario& scenario,
                                                const std::string& alert_id, size_t members,
                                                size_t first, size_t last) {
  auto& redis = scenario.redis();
  scenario.send(alert_id);
  std::vector<std::string> order;
  if (!eventually(
          [&] {
            order = send_order(redis, alert_id);
            return order.size() == members;
          },
          20s)) {
    ADD_FAILURE() << "the jobs were not queued: " << scenario.describe(alert_id);
    return {};
  }
  std::vector<std::string> chosen;
  for (size_t i = first; i < last; ++i) chosen.push_back(mobile_of(redis, order[i]));
  if (!eventually(
          [&] {
            return std::all_of(chosen.begin(), chosen.end(), [&](const std::string& number) {
              return prepared(redis, alert_id, number);
            });
          },
          10s)) {
    ADD_FAILURE() << "the chosen members' messages were not prepared";
    return {};
  }
  return chosen;
}

// Of the alert's own messages (those with kMarker; the STOP confirmations have none), how
// many went to a number in `stopped`, and how many to others. `text` reads a message's body.
template <class Message, class Text>
std::pair<size_t, size_t> alert_messages(const std::vector<Message>& messages,
                                         const std::set<std::string>& stopped, Text text) {
  size_t to_stopped = 0;
  size_t to_others = 0;
  for (const auto& message : messages) {
    if (text(message).find(kMarker) == std::string::npos) continue;
    ++(stopped.contains(message.to) ? to_stopped : to_others);
  }
  return {to_stopped, to_others};
}

// Waits until every number is in the SMS opt-out registry.
bool all_opted_out(testing::RedisSync& redis, const std::set<std::string>& numbers) {
  return eventually(
      [&] {
        return std::all_of(numbers.begin(), numbers.end(), [&](const std::string& number) {
          return redis.integer({"SISMEMBER", "{roster}:optout:sms", number}) == 1;
        });
      },
      20s);
}

// The issue's figures: 5,000 members, a provider answering in 300 ms ± 100 ms, a gateway
// allowed 256 requests at once and 500 messages a second. Before, the HTTP client kept 16
// connections per host, so requests queued inside it while their timeout ran: ~53
// messages/s, and duplicates when a queued request reached the provider just before its
// timeout and was sent again.
TEST(SendingUnderRealConditions, ProviderAt300msGetsEachMemberOnceAtTheConfiguredRate) {
  TwilioServer server;
  server.set_latency(300ms, 100ms);
  constexpr double kRate = 500;
  // Messages answered but not yet recorded count in flight too: twice the concurrency.
  testing::AlertScenario scenario(
      {.gateways = testing::twilio_gateway_config("tw", server, kRate, 256, 10'000),
       .extra_config = "dispatch { max_in_flight: 512 }\n"});
  testing::RosterOptions roster;
  roster.members = 5000;
  scenario.import_roster(roster);

  const auto alert = scenario.send_and_wait(kAlert, 90s);
  const auto expected = number_of(scenario, alert.id);
  ASSERT_GT(expected.size(), 4900u);

  EXPECT_EQ(server.duplicates(), 0u) << "a number got the alert twice";
  EXPECT_EQ(server.accepted(), expected.size());
  EXPECT_EQ(scenario.count(alert.id, "sent"), static_cast<int64_t>(expected.size()));

  // The rate over the blast's steady part (the first and last 5% of messages left out:
  // the token bucket's first burst and the tail).
  const auto messages = server.messages();
  ASSERT_EQ(messages.size(), expected.size());
  const size_t first = messages.size() / 20;
  const size_t last = messages.size() - messages.size() / 20;
  const double seconds =
      std::chrono::duration<double>(messages[last].arrived - messages[first].arrived).count();
  const double achieved = static_cast<double>(last - first) / seconds;
  ::testing::Test::RecordProperty("achieved_rate", std::to_string(achieved));
  std::printf("achieved %.1f messages/s of %.0f configured (%.3f)\n", achieved, kRate,
              achieved / kRate);
  // The issue's target is 98%, measured by gateway_rate_bench's latency mode on a quiet
  // machine. The gateway paces at 98.7% of its rate on purpose (the margin keeps every
  // second the provider counts within the rate, gateway_pool.cpp). Here ctest runs this
  // beside another test on 2 cores, so the figure measures the machine's load as much as
  // the daemon: clean CI-like runs measured 0.92 to 0.97. The floor, 85%, is what this test
  // can assert without failing on a busy machine, far above the 53/s (11%) ceiling it was
  // written against.
  EXPECT_GE(achieved, 0.85 * kRate) << scenario.describe(alert.id);
}

// Members text STOP while the blast is under way, before their turn: the engine has
// already prepared their messages (a few seconds of the gateway's rate, read ahead), and
// must not send them. Chosen from the send order so that each one is certainly prepared
// and not yet sent when its STOP is recorded.
TEST(SendingUnderRealConditions, StopTextedDuringABlastStopsTheMessageAlreadyPrepared) {
  TwilioServer server;
  testing::AlertScenario scenario({.gateways = testing::twilio_gateway_config("tw", server, 20)});
  testing::RosterOptions roster;
  roster.members = 240;
  roster.shared_phone_every = 0;
  scenario.import_roster(roster);
  auto& redis = scenario.redis();

  const auto alert = scenario.create_alert(kAlert);
  // Members 40 to 99 in the send order: prepared with the first two jobs (the engine reads
  // two seconds of work ahead, at least two jobs of 50), due two seconds or more from now.
  const auto chosen = start_blast_and_choose(scenario, alert.id, 240, 40, 100);
  ASSERT_EQ(chosen.size(), 60u);
  std::set<std::string> stopped;
  for (const std::string& number : chosen) {
    const auto answer = testing::post_twilio_reply(scenario.daemon().base_url(), "tw", server,
                                                   number, "STOP", "SMstop" + number);
    ASSERT_EQ(answer.status, 200) << answer.body;
    stopped.insert(number);
  }
  ASSERT_TRUE(all_opted_out(redis, stopped));
  // None of them was reached yet: their STOPs were all recorded before their turn.
  std::set<std::string> reached_before;
  for (const auto& message : server.messages()) {
    // The STOP confirmations go first (a member waits for them): only the alert counts.
    if (message.body.find(kMarker) != std::string::npos) reached_before.insert(message.to);
  }
  for (const auto& number : stopped) {
    ASSERT_FALSE(reached_before.contains(number))
        << "the test was too slow: a chosen member was reached before their STOP, with "
        << reached_before.size() << " numbers reached";
  }

  ASSERT_TRUE(scenario.wait_state(alert.id, "sent", 60s)) << scenario.describe(alert.id);
  const auto [alerted, others] = alert_messages(
      server.messages(), stopped, [](const TwilioServer::Message& m) { return m.body; });
  EXPECT_EQ(alerted, 0u) << "the alert went to a member who had texted STOP";
  EXPECT_EQ(others, 240u - stopped.size()) << "every other member still reached";
  EXPECT_EQ(scenario.count(alert.id, "opted_out"), static_cast<int64_t>(stopped.size()));
  EXPECT_EQ(server.duplicates(), 0u);
}

constexpr char kKannelSecret[] = "kannel-stop-secret-31";
constexpr char kOurNumber[] = "+15145550100";

// The same through Kannel: the members' STOP come from fakesmsc (the operator) through the
// bearerbox and smsbox to the daemon's MO webhook; what the alert sent is counted at
// fakesmsc.
TEST(SendingUnderRealConditions, StopThroughKannelDuringABlastStopsTheMessageAlreadyPrepared) {
  const uint16_t port = testing::free_tcp_port();
  testing::KannelHarness::Options kannel_options;
  kannel_options.inbound_url = "http://127.0.0.1:" + std::to_string(port) +
                               "/hooks/kannel/kn/inbound?secret=" + kKannelSecret +
                               "&from=%p&to=%P&text=%a&ts=%T&id=%I";
  testing::KannelHarness kannel(kannel_options);
  const std::string gateway =
      "gateways { name: \"kn\" rate_per_second: 5 kannel { sendsms_url: \"" + kannel.sendsms_url() +
      "\" username: \"" + kannel.username() + "\" password { inline: \"" + kannel.password() +
      "\" } from: \"" + kOurNumber + "\" webhook_secret { inline: \"" + kKannelSecret +
      "\" } } }\n";
  testing::AlertScenario scenario({.gateways = gateway, .port = port});
  testing::RosterOptions roster;
  roster.members = 100;
  roster.shared_phone_every = 0;
  scenario.import_roster(roster);
  auto& redis = scenario.redis();

  const auto alert = scenario.create_alert(kAlert);
  // Members 60 to 65: prepared at once (all 100 fit in the engine's read-ahead), due 12 s
  // from now at 5 a second; fakesmsc takes up to a second per STOP.
  const auto chosen = start_blast_and_choose(scenario, alert.id, 100, 60, 66);
  ASSERT_EQ(chosen.size(), 6u);
  std::set<std::string> stopped;
  for (const std::string& number : chosen) {
    kannel.send_mo(number, kOurNumber, "STOP");
    stopped.insert(number);
  }
  ASSERT_TRUE(all_opted_out(redis, stopped)) << kannel.logs();

  ASSERT_TRUE(scenario.wait_state(alert.id, "sent", 60s)) << scenario.describe(alert.id);
  // The 94 other members' alerts and the six STOP confirmations reach fakesmsc.
  ASSERT_TRUE(kannel.wait_for_messages(100, 30s)) << kannel.logs();
  const auto [alerted, others] = alert_messages(
      kannel.received(), stopped, [](const testing::FakesmscMessage& m) { return m.text; });
  EXPECT_EQ(alerted, 0u) << "the alert went to a member who had texted STOP";
  EXPECT_EQ(others, 100u - stopped.size());
  EXPECT_EQ(scenario.count(alert.id, "opted_out"), static_cast<int64_t>(stopped.size()));
}

}  // namespace
}  // namespace tocsin
