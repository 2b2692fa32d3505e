// Nothing received is lost while Redis is away (the local spool, api/hook_intake.h), against
// a real tocsind, redis-server and Twilio-shaped server: members' signed replies and the
// provider's delivery receipts that come while Redis is stopped are answered 200, kept on
// disk, and counted once each when Redis returns; a daemon killed with SIGKILL while
// spooling loses none of the replies it answered; a full spool answers 503 and says so.

#include <curl/curl.h>
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "adapters/twilio/twilio_signature.h"
#include "tests/support/alert_scenario.h"
#include "tests/support/http_client.h"
#include "tests/support/temp_dir.h"
#include "tests/support/twilio_server.h"

namespace tocsin {
namespace {

using namespace std::chrono_literals;
using testing::eventually;
using testing::sum_over_regions;

class RepliesSpool : public ::testing::Test {
 protected:
  // A roster of `members`, an SMS alert sent to all of them through the Twilio-shaped
  // server, and the spool in a directory of the test's, so that a restarted daemon finds it.
  void start(int members, const std::string& spool_fields = "") {
    scenario_ = std::make_unique<testing::AlertScenario>(testing::AlertScenario::Options{
        .gateways = testing::twilio_gateway_config("tw", twilio_, 1000),
        .extra_config = "spool { directory: \"" + (spool_dir_.path() / "spool").string() + "\" " +
                        spool_fields + " }\n"});
    testing::RosterOptions roster;
    roster.members = members;
    scenario_->import_roster(roster);
    const auto alert = scenario_->send_and_wait(
        testing::alert_json("SMS", R"({"sms":"Assemblée ce soir. OUI {code} ou NON {code}"})"),
        60s);
    id_ = alert.id;
    for (const auto& [number, member] : scenario_->recipients(id_)) numbers_.push_back(number);
  }

  testing::HttpResponse reply(const std::string& url, const std::string& number,
                              const std::string& text, const std::string& sid) {
    return testing::post_twilio_reply(url, "tw", twilio_, number, text, sid);
  }

  // A signed status callback, as Twilio posts it to the message's StatusCallback.
  testing::HttpResponse receipt(const testing::TwilioServer::Message& message,
                                const std::string& status) {
    const std::string url = scenario_->daemon().base_url() + "/hooks/twilio/tw/status";
    const adapters::twilio::FormParams params = {{"MessageSid", message.sid},
                                                 {"MessageStatus", status},
                                                 {"AccountSid", twilio_.account_sid()},
                                                 {"To", message.to}};
    std::string body;
    for (const auto& [name, value] : params) {
      char* escaped = curl_easy_escape(nullptr, value.data(), static_cast<int>(value.size()));
      body += (body.empty() ? "" : "&") + name + "=" + escaped;
      curl_free(escaped);
    }
    return testing::http_request("POST", url, body,
                                 {"Content-Type: application/x-www-form-urlencoded",
                                  "X-Twilio-Signature: " + adapters::twilio::twilio_signature(
                                                               twilio_.auth_token(), url, params)});
  }

  // A figure of the daemon's /metrics; -1 when absent.
  double metric(const std::string& name) {
    const auto page = testing::http_get(scenario_->daemon().base_url() + "/metrics");
    const auto at = page.body.find("\n" + name + " ");
    if (at == std::string::npos) return -1;
    return std::stod(page.body.substr(at + name.size() + 2));
  }

  int64_t yes() { return sum_over_regions(scenario_->tally(id_), "all|yes"); }

  testing::TempDir spool_dir_{"tocsin-spool-e2e"};
  testing::TwilioServer twilio_;
  std::unique_ptr<testing::AlertScenario> scenario_;
  std::string id_;
  std::vector<std::string> numbers_;
};

TEST_F(RepliesSpool, RepliesThatComeWhileRedisIsStoppedAreEachCountedOnceWhenItReturns) {
  constexpr int kMembers = 2000;
  start(2100);  // a few members have no phone
  ASSERT_GE(numbers_.size(), static_cast<size_t>(kMembers));

  scenario_->redis_server().stop();
  // 2,000 replies spread over 20 s of outage, and Twilio repeating every 100th.
  const std::string url = scenario_->daemon().base_url();
  const auto began = std::chrono::steady_clock::now();
  std::vector<std::string> refused{};
  for (int i = 0; i < kMembers; ++i) {
    std::this_thread::sleep_until(began + i * 10ms);
    const std::string sid = "SM" + std::to_string(i);
    auto answer = reply(url, numbers_[i], "OUI", sid);
    if (answer.status != 200) refused.push_back(std::to_string(answer.status) + " " + answer.body);
    if (i % 100 == 99 && reply(url, numbers_[i], "OUI", sid).status != 200) {
      refused.push_back("a repeat");
    }
  }
  EXPECT_TRUE(refused.empty()) << refused.size()
                               << " answered with an error, the first: " << refused.front();
  EXPECT_EQ(metric("tocsin_spool_records"), kMembers + kMembers / 100)
      << "the replies should be waiting in the spool";

  scenario_->redis_server().start();
  ASSERT_TRUE(eventually([&] { return yes() == kMembers; }, 60s)) << "yes=" << yes() << "\n"
                                                                  << scenario_->describe(id_);
  EXPECT_TRUE(eventually([&] { return metric("tocsin_spool_records") == 0; }, 10s));
  // Each reply read once: Twilio's repeats were recognised by their MessageSid.
  EXPECT_TRUE(eventually([&] { return metric("tocsin_replies_read_total") == kMembers; }, 10s))
      << metric("tocsin_replies_read_total");
  EXPECT_EQ(metric("tocsin_spool_replayed_total"), kMembers + kMembers / 100);
  size_t unreadable = 0;
  EXPECT_EQ(scenario_->recount(id_, &unreadable), scenario_->tally(id_));
}

TEST_F(RepliesSpool, ADaemonKilledWhileSpoolingLosesNoneOfTheRepliesItAnswered) {
  start(400);
  scenario_->redis_server().stop();
  const std::string url = scenario_->daemon().base_url();
  std::mutex mutex;
  std::set<std::string> answered;
  std::atomic<int> attempted = 0;
  std::atomic<bool> stop = false;
  std::string first_refusal;
  std::thread members([&] {
    for (size_t i = 0; i < numbers_.size() && !stop; ++i) {
      ++attempted;
      auto answer = reply(url, numbers_[i], "OUI", "SM-k" + std::to_string(i));
      std::lock_guard lock(mutex);
      if (answer.status != 200) {
        first_refusal = std::to_string(answer.status) + " " + answer.body + answer.error;
        break;
      }
      answered.insert(numbers_[i]);
    }
  });
  const bool enough = eventually(
      [&] {
        std::lock_guard lock(mutex);
        return answered.size() >= 150 || !first_refusal.empty();
      },
      30s);
  if (enough && first_refusal.empty()) {
    scenario_->kill_and_restart_daemon();  // Redis still stopped: the new one finds the spool
  }
  stop = true;
  members.join();
  ASSERT_TRUE(enough);
  ASSERT_GE(answered.size(), 150u) << "refused before the kill: " << first_refusal;
  ASSERT_LT(answered.size(), numbers_.size()) << "the kill should come in the middle";

  scenario_->redis_server().start();
  const int64_t at_least = static_cast<int64_t>(answered.size());
  ASSERT_TRUE(eventually([&] { return yes() >= at_least; }, 30s))
      << "yes=" << yes() << " of " << at_least << " answered\n"
      << scenario_->describe(id_);
  // The one in flight at the kill may have been kept without its answer getting out.
  EXPECT_LE(yes(), attempted.load());
  const auto recipients = scenario_->recipients(id_);
  const std::string rsvps = "alert:{" + id_ + "}:rsvp";
  for (const auto& number : answered) {
    EXPECT_EQ(scenario_->redis().integer({"HEXISTS", rsvps, recipients.at(number)}), 1)
        << "an answered reply was lost";
  }
}

TEST_F(RepliesSpool, ReceiptsThatComeWhileRedisIsStoppedAreApplied) {
  start(50);
  const auto messages = twilio_.messages();  // one per member with a phone
  ASSERT_GE(messages.size(), 40u);
  scenario_->redis_server().stop();
  for (const auto& message : messages) {
    auto answer = receipt(message, "delivered");
    ASSERT_EQ(answer.status, 200) << answer.body;
  }
  scenario_->redis_server().start();
  const auto sent = static_cast<int64_t>(messages.size());
  EXPECT_TRUE(eventually([&] { return scenario_->count(id_, "delivered") == sent; }, 30s))
      << scenario_->describe(id_);
}

TEST_F(RepliesSpool, AFullSpoolAnswers503AndSaysSoThenTakesRepliesOnceReplayed) {
  start(200, "max_megabytes: 1");
  scenario_->redis_server().stop();
  const std::string url = scenario_->daemon().base_url();
  // Replies of 10,000 characters fill the MiB in about a hundred.
  const std::string text = "OUI " + std::string(10'000, 'x');
  int kept = 0;
  testing::HttpResponse answer;
  for (const auto& number : numbers_) {
    answer = reply(url, number, text, "SM-f" + std::to_string(kept));
    if (answer.status != 200) break;
    ++kept;
  }
  ASSERT_EQ(answer.status, 503) << "the spool never filled";
  EXPECT_NE(answer.body.find("spool is full"), std::string::npos) << answer.body;
  EXPECT_GT(kept, 80);
  EXPECT_LT(kept, 110);

  scenario_->redis_server().start();
  ASSERT_TRUE(eventually([&] { return metric("tocsin_spool_records") == 0; }, 30s));
  EXPECT_EQ(reply(url, numbers_.back(), "OUI", "SM-after").status, 200);
  EXPECT_TRUE(eventually([&] { return metric("tocsin_replies_read_total") == kept + 1; }, 10s))
      << metric("tocsin_replies_read_total");
}

}  // namespace
}  // namespace tocsin
