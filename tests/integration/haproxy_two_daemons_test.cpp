// Several daemons behind HAProxy (issue 20), with Debian's haproxy configured as the
// README's "Several daemons" says, two tocsind sharing one Redis, and signed Twilio webhooks:
//   - one daemon killed with SIGKILL while members' replies pour in through HAProxy: every
//     webhook is answered 200 (HAProxy retries one whose daemon died on the other), and each
//     member's reply is counted once;
//   - one daemon killed with SIGKILL in the middle of a blast sent through HAProxy: the other
//     takes over its jobs (after claim_idle_ms), every member gets the message, and no more
//     get it twice than the killed daemon had in flight;
//   - a viewer whose daemon is killed reconnects through HAProxy with Last-Event-ID, lands on
//     the other daemon, and gets exactly the turnout changes it missed.

#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/alert_scenario.h"
#include "tests/support/daemon_process.h"
#include "tests/support/haproxy.h"
#include "tests/support/http_client.h"
#include "tests/support/ports.h"
#include "tests/support/sse_client.h"
#include "tests/support/twilio_server.h"

namespace tocsin {
namespace {

using namespace std::chrono_literals;
using testing::eventually;
using testing::sum_over_regions;

std::string lowercase(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

class HaproxyTwoDaemons : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::RosterOptions roster;
    roster.members = 2000;
    roster.shared_phone_every = 0;
    scenario_.import_roster(roster);
    testing::DaemonProcess::Options options;
    options.redis_url = scenario_.redis_url();
    options.http_fields = public_url_;
    options.extra_config = testing::twilio_gateway_config("tw", twilio_, 2000) +
                           "dispatch { consumer_name: \"second\" claim_idle_ms: 2000 }\n";
    second_ = std::make_unique<testing::DaemonProcess>(options);
    haproxy_ = std::make_unique<testing::Haproxy>(
        proxy_port_, std::map<std::string, uint16_t>{{"first", scenario_.daemon().port()},
                                                     {"second", second_->port()}});
    const auto alert = scenario_.send_and_wait(
        testing::alert_json("SMS", R"({"sms":"Assemblée ce soir. OUI {code} ou NON {code}"})"),
        60s);
    id_ = alert.id;
    for (const auto& [number, member] : scenario_.recipients(id_)) numbers_.push_back(number);
  }

  testing::HttpResponse reply(const std::string& number, const std::string& text) {
    return testing::post_twilio_reply(haproxy_->base_url(), "tw", twilio_, number, text,
                                      "SM" + std::to_string(++sid_));
  }

  void kill(const std::string& served_by) {
    auto& daemon = served_by == "second" ? *second_ : scenario_.daemon();
    daemon.process().send_signal(SIGKILL);
    daemon.process().wait_for_exit(10s);
  }

  int64_t yes() { return sum_over_regions(scenario_.tally(id_), "all|yes"); }

  const uint16_t proxy_port_ = testing::free_tcp_port();
  // Providers sign the URL they call: HAProxy's, which both daemons take as theirs.
  const std::string public_url_ =
      "public_url: \"http://127.0.0.1:" + std::to_string(proxy_port_) + "\"";
  testing::TwilioServer twilio_;
  // A reply a killed daemon had read but not yet applied is taken over by the other after
  // claim_idle_ms (30 s by default; 2 s here).
  testing::AlertScenario scenario_{{.gateways = testing::twilio_gateway_config("tw", twilio_, 2000),
                                    .extra_config = "dispatch { claim_idle_ms: 2000 }\n",
                                    .http_fields = public_url_}};
  std::unique_ptr<testing::DaemonProcess> second_;
  std::unique_ptr<testing::Haproxy> haproxy_;
  std::string id_;
  std::vector<std::string> numbers_;
  std::atomic<int> sid_ = 0;
};

TEST_F(HaproxyTwoDaemons, WebhooksKeepLandingWhenADaemonIsKilled) {
  ASSERT_GE(numbers_.size(), 2000u);
  std::atomic<size_t> next = 0;
  std::atomic<int> answered = 0;
  std::mutex mutex;
  std::vector<std::string> refused;
  auto members = [&] {
    for (size_t i = next++; i < 2000; i = next++) {
      auto answer = reply(numbers_[i], "OUI");
      if (answer.status == 200) {
        ++answered;
      } else {
        std::lock_guard lock(mutex);
        refused.push_back(std::to_string(answer.status) + " " + answer.body + answer.error);
      }
    }
  };
  const auto began = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) threads.emplace_back(members);
  ASSERT_TRUE(eventually([&] { return answered.load() >= 600; }, 30s));
  kill("second");
  for (auto& thread : threads) thread.join();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
  std::printf("2,000 webhooks through HAProxy in %.1f s (%.0f/s), one daemon killed after 600\n",
              seconds, 2000 / seconds);
  EXPECT_TRUE(refused.empty()) << refused.size() << " refused, the first: " << refused.front();
  EXPECT_TRUE(eventually([&] { return yes() == 2000; }, 30s)) << "yes=" << yes();
}

TEST_F(HaproxyTwoDaemons, ABlastGoesOnWhenADaemonIsKilledInTheMiddle) {
  ASSERT_GE(numbers_.size(), 2000u);
  const std::string mark = "BLAST2";
  const std::string json = testing::alert_json(
      "SMS", R"({"sms":")" + mark + R"( Assemblée ce soir. OUI {code} ou NON {code}"})");
  const std::string id = scenario_.create_alert(json).id;
  const auto marked = [&] {
    std::map<std::string, int> per_number;
    for (const auto& message : twilio_.messages()) {
      if (message.body.find(mark) != std::string::npos) ++per_number[message.to];
    }
    return per_number;
  };
  scenario_.send(id);
  ASSERT_TRUE(eventually([&] { return marked().size() >= 300; }, 30s));
  const size_t at_kill = marked().size();
  // Both read the shared send queue: the jobs the second held are claimed by the first.
  kill("second");
  ASSERT_TRUE(scenario_.wait_state(id, "sent", 60s)) << scenario_.describe(id);
  const auto per_number = marked();
  size_t twice = 0;
  for (const auto& [number, count] : per_number) twice += count > 1 ? count - 1 : 0;
  std::printf(
      "blast through HAProxy: a daemon killed after %zu of 2,000; members reached %zu, "
      "sent twice %zu\n",
      at_kill, per_number.size(), twice);
  EXPECT_EQ(per_number.size(), 2000u) << "members never sent the message";
  EXPECT_LE(twice, 256u) << "more duplicates than dispatch.max_in_flight";
}

TEST_F(HaproxyTwoDaemons, AViewerWhoseDaemonIsKilledResumesOnTheOtherWithoutAMissedChange) {
  const std::string url = haproxy_->base_url() + "/v1/alerts/" + id_ + "/events";
  const std::string auth = "Authorization: Bearer " + scenario_.token();
  auto first = std::make_unique<testing::SseClient>(url, std::vector<std::string>{auth});
  ASSERT_TRUE(first->wait_for(
      [](const auto& events) {
        return !events.empty() && events.front().event.event == "snapshot";
      },
      10s));
  for (int i = 0; i < 20; ++i) ASSERT_EQ(reply(numbers_[i], "OUI").status, 200);
  ASSERT_TRUE(first->wait_for(
      [](const auto& events) {
        return std::count_if(events.begin(), events.end(),
                             [](const auto& e) { return e.event.event == "change"; }) > 0;
      },
      10s));
  const std::string headers = lowercase(first->headers());
  ASSERT_NE(headers.find("x-served-by: "), std::string::npos) << headers;
  const std::string served_by =
      headers.find("x-served-by: second") != std::string::npos ? "second" : "first";
  kill(served_by);
  ASSERT_TRUE(eventually([&] { return first->finished(); }, 10s));
  const std::string left_at = first->last_id();

  // While it is away, and before it reconnects: more answers, through the survivor.
  for (int i = 20; i < 60; ++i)
    ASSERT_EQ(reply(numbers_[i], i % 4 == 0 ? "NON" : "OUI").status, 200);
  ASSERT_TRUE(eventually([&] { return yes() == 50; }, 20s)) << "yes=" << yes();
  // ...and the turnout's changes written to the alert's event stream.
  auto& redis = scenario_.redis();
  const std::string base = "alert:{" + id_ + "}";
  ASSERT_TRUE(eventually(
      [&] {
        return redis.integer({"XLEN", "q:replies"}) == 0 &&
               redis.text({"GET", base + ":turnout_version"}) ==
                   redis.text({"HGET", base + ":published", "#version"});
      },
      10s));
  const std::string last =
      scenario_.redis()
          .command({"XREVRANGE", "alert:{" + id_ + "}:events", "+", "-", "COUNT", "1"})
          .elements.at(0)
          .elements.at(0)
          .str;
  std::vector<std::string> missed;
  for (const auto& entry :
       scenario_.redis()
           .command({"XRANGE", "alert:{" + id_ + "}:events", "(" + left_at, "+"})
           .elements) {
    missed.push_back(entry.elements.at(0).str);
  }
  ASSERT_FALSE(missed.empty());

  auto second = std::make_unique<testing::SseClient>(
      url, std::vector<std::string>{auth, "Last-Event-ID: " + left_at});
  ASSERT_TRUE(second->wait_for(
      [&](const auto& events) {
        return std::any_of(events.begin(), events.end(),
                           [&](const auto& e) { return e.event.id == last; });
      },
      10s))
      << second->status() << " " << second->headers();
  const std::string resumed_on = lowercase(second->headers());
  EXPECT_NE(resumed_on.find("x-served-by: "), std::string::npos) << resumed_on;
  EXPECT_EQ(resumed_on.find("x-served-by: " + served_by), std::string::npos)
      << "served by the daemon that was killed";
  std::vector<std::string> ids;
  for (const auto& e : second->events()) {
    if (e.event.event == "change") ids.push_back(e.event.id);
  }
  EXPECT_EQ(ids, missed) << "exactly the changes after Last-Event-ID, each once, in order";
}

}  // namespace
}  // namespace tocsin
