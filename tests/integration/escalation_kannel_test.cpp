// One reminder wave end to end through Kannel (issue 8): a real redis-server, a tocsind
// started with --test-clock (its time follows test:clock_offset_ms, so the wave due 45
// minutes after the call runs when the test moves the clock, not after a sleep) and a
// private Kannel whose fakesmsc plays the operator and the members' phones. Members answer
// from their phones (MO messages through fakesmsc -> bearerbox -> smsbox -> the daemon's
// webhook); the reminder must reach, through Kannel, exactly those who had not answered,
// once each; Kannel's delivery reports mark it delivered; and an answer to the reminder
// counts on the alert it reminds of.

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <set>
#include <stdexcept>

#include "tests/support/alert_scenario.h"
#include "tests/support/kannel_harness.h"
#include "tests/support/ports.h"

namespace tocsin {
namespace {

using namespace std::chrono_literals;
using testing::eventually;

constexpr char kSecret[] = "kannel-wave-secret-45";
constexpr char kOurNumber[] = "+15145550100";
constexpr char kReminderMark[] = "RAPPEL";

// Kannel calls the daemon's MO webhook, so it must know the daemon's port before either
// starts.
testing::KannelHarness::Options kannel_options(uint16_t daemon_port) {
  testing::KannelHarness::Options options;
  options.inbound_url = "http://127.0.0.1:" + std::to_string(daemon_port) +
                        "/hooks/kannel/kn/inbound?secret=" + kSecret +
                        "&from=%p&to=%P&text=%a&ts=%T&id=%I";
  return options;
}

std::string kannel_gateway_config(const testing::KannelHarness& kannel) {
  return "gateways { name: \"kn\" rate_per_second: 200 kannel { sendsms_url: \"" +
         kannel.sendsms_url() + "\" username: \"" + kannel.username() + "\" password { inline: \"" +
         kannel.password() + "\" } from: \"" + kOurNumber + "\" webhook_secret { inline: \"" +
         kSecret + "\" } } }\n";
}

// An SMS emergency assembly to everyone, with one wave: 45 minutes after the call, an SMS
// reminder to those who have not answered.
std::string alert_with_reminder() {
  return testing::alert_json(
      "SMS", R"({"sms":"{first_name}, assemblée au {place}. OUI {code} ou NON {code}."})", "",
      R"("waves":[{"delayMinutes":45,"targetGroup":"no_answer","channels":"SMS",)"
      R"("messages":{"fr":{"sms":")" +
          std::string(kReminderMark) + R"( {first_name}: réponds OUI ou NON {code}"}}}])");
}

class ReminderWaveThroughKannel : public ::testing::Test {
 protected:
  void SetUp() override {
    // Free ports are found by binding port 0 and closing it; Kannel and tocsind bind them
    // a moment later, and another program on the machine can take one in between. Only a
    // start that failed is tried again, on new ports.
    std::string failures;
    for (int attempt = 1; attempt <= 3 && !scenario_; ++attempt) {
      try {
        const uint16_t port = testing::free_tcp_port();
        kannel_ = std::make_unique<testing::KannelHarness>(kannel_options(port));
        scenario_ = std::make_unique<testing::AlertScenario>(testing::AlertScenario::Options{
            .gateways = kannel_gateway_config(*kannel_), .port = port, .test_clock = true});
      } catch (const std::exception& error) {
        failures += "start " + std::to_string(attempt) + " failed: " + error.what() + "\n";
        scenario_.reset();
        kannel_.reset();
      }
    }
    ASSERT_TRUE(scenario_) << failures;
  }

  // The whole messages fakesmsc received that carry the reminder's mark.
  std::vector<testing::FakesmscMessage> reminders() {
    std::vector<testing::FakesmscMessage> found;
    for (auto& message : kannel_->received()) {
      if (message.text.find(kReminderMark) != std::string::npos) found.push_back(message);
    }
    return found;
  }

  std::unique_ptr<testing::KannelHarness> kannel_;
  std::unique_ptr<testing::AlertScenario> scenario_;
};

TEST_F(ReminderWaveThroughKannel,
       ReachesExactlyTheSilentMembersOnceIsDeliveredAndItsAnswersCountOnTheAlert) {
  testing::RosterOptions roster;
  roster.members = 20;
  roster.shared_phone_every = 0;
  scenario_->import_roster(roster);
  const auto [id, code] = scenario_->send_and_wait(alert_with_reminder(), 30s);
  auto& redis = scenario_->redis();
  const std::string rsvp = "alert:{" + id + "}:rsvp";

  const auto member_of = scenario_->recipients(id);  // number -> member
  ASSERT_EQ(member_of.size(), 20u) << scenario_->describe(id);
  ASSERT_TRUE(kannel_->wait_for_messages(member_of.size(), 30s)) << kannel_->logs();

  // Five say yes with the code, four no without it; eleven say nothing.
  std::set<std::string> silent;
  size_t n = 0;
  for (const auto& [number, member] : member_of) {
    if (n < 5) {
      kannel_->send_mo(number, kOurNumber, "OUI " + code);
    } else if (n < 9) {
      kannel_->send_mo(number, kOurNumber, "NON");
    } else {
      silent.insert(number);
    }
    ++n;
  }
  ASSERT_TRUE(eventually([&] { return redis.integer({"HLEN", rsvp}) == 9; }, 20s))
      << kannel_->logs() << scenario_->describe(id);

  // 46 minutes on, the wave comes due.
  redis.command({"SET", "test:clock_offset_ms", "2760000"});
  std::string child;
  ASSERT_TRUE(eventually(
      [&] {
        child = redis.text({"HGET", "alert:{" + id + "}:children", "wave:1"});
        return !child.empty();
      },
      15s))
      << scenario_->describe(id);
  ASSERT_TRUE(scenario_->wait_state(child, "sent", 30s)) << scenario_->describe(child);
  EXPECT_EQ(redis.integer({"SCARD", "alert:{" + child + "}:audience"}),
            static_cast<int64_t>(silent.size()));

  // What reached the phones: the reminder, to each silent member once, with the alert's code.
  ASSERT_TRUE(eventually([&] { return reminders().size() >= silent.size(); }, 30s))
      << "reminders on fakesmsc: " << reminders().size() << "\n"
      << kannel_->logs() << scenario_->describe(child);
  std::map<std::string, int> times;
  for (const auto& message : reminders()) {
    ++times[message.to];
    EXPECT_EQ(message.from, kOurNumber);
    EXPECT_NE(message.text.find("NON " + code), std::string::npos) << message.text;
  }
  std::set<std::string> reminded;
  for (const auto& [number, count] : times) {
    reminded.insert(number);
    EXPECT_EQ(count, 1) << "reminded " << count << " times";
  }
  EXPECT_EQ(reminded, silent);

  // Kannel's delivery reports reach the webhook and mark each reminder delivered.
  EXPECT_TRUE(eventually(
      [&] { return scenario_->count(child, "delivered") == static_cast<int64_t>(silent.size()); },
      30s))
      << scenario_->describe(child);
  for (const std::string& number : silent) {
    EXPECT_EQ(redis.text({"HGET", "alert:{" + child + "}:delivery", member_of.at(number) + ":sms"}),
              "delivered");
  }
  EXPECT_EQ(scenario_->count(child, "sent"), 0);
  EXPECT_EQ(scenario_->count(child, "failed"), 0);

  // A plain "OUI" answering the reminder is an RSVP to the alert it reminds of.
  const std::string late = *silent.begin();
  kannel_->send_mo(late, kOurNumber, "OUI");
  ASSERT_TRUE(eventually([&] { return redis.integer({"HLEN", rsvp}) == 10; }, 20s))
      << kannel_->logs() << scenario_->describe(id);
  EXPECT_EQ(redis.text({"HGET", rsvp, member_of.at(late)}).substr(0, 3), "yes");
  EXPECT_EQ(redis.integer({"EXISTS", "alert:{" + child + "}:rsvp"}), 0);
}

}  // namespace
}  // namespace tocsin
