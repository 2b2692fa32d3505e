// Issue 18's check-in figure, on a real redis-server and tocsind: from a coordinator's scan
// (POST /v1/alerts/{id}/checkins, a member number) to the present count moving on another
// viewer's screen (an executive's GET /v1/alerts/{id}/events), p99 under 1 s.
//
// An alert to MEMBERS members (a synthetic roster over 17 regions) is sent through a
// Twilio-shaped server; then CHECKINS members of its audience are checked in, one every
// 1/RATE s (open loop: each POST is due at its time, whatever the previous one took), by
// COORDINATORS concurrent clients with an executive's token. Every check-in adds one to
// the sum over regions of "<region>|all|present", so the k-th check-in the daemon answered is
// carried by the first change event in which that sum reaches k; its latency is that event's
// arrival at the viewer minus the time the POST was due. Requests in flight at once may be
// applied in another order than answered in; the match can then be off by the few
// milliseconds between them.
//
//   checkin_latency_bench [MEMBERS=5000] [CHECKINS=1000] [RATE=50] [COORDINATORS=4]

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "http/json.h"
#include "members/turnout_field.h"
#include "tests/support/alert_scenario.h"
#include "tests/support/http_client.h"
#include "tests/support/sse_client.h"
#include "tests/support/twilio_server.h"

namespace {

using namespace tocsin;
using Clock = std::chrono::steady_clock;

long argument(int argc, char** argv, int index, long fallback) {
  return argc > index ? std::atol(argv[index]) : fallback;
}

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const size_t at = std::min(values.size() - 1, static_cast<size_t>(p / 100.0 * values.size()));
  return values[at];
}

// The sum over regions of "<region>|all|present" in a change or snapshot event's fields.
int64_t present_in(const std::string& json, std::map<std::string, int64_t>& fields) {
  // {"at_ms":..,"fields":{"r|all|present":3,...}} or the snapshot's {"fields":{...},...}
  const size_t start = json.find("\"fields\":{");
  if (start == std::string::npos) return -1;
  size_t at = start + 10;
  bool moved = false;
  while (at < json.size() && json[at] != '}') {
    const size_t name_end = json.find('"', at + 1);
    const std::string name = json.substr(at + 1, name_end - at - 1);
    const size_t value_end = json.find_first_of(",}", name_end + 2);
    const int64_t value = std::stoll(json.substr(name_end + 2, value_end - name_end - 2));
    const auto field = turnout::parse_field(name);
    if (field && field->dimension == "all" && field->measure == "present") {
      fields[name] = value;
      moved = true;
    }
    at = json[value_end] == ',' ? value_end + 1 : value_end;
  }
  if (!moved) return -1;
  int64_t sum = 0;
  for (const auto& [name, value] : fields) sum += value;
  return sum;
}

}  // namespace

int main(int argc, char** argv) {
  const long members = argument(argc, argv, 1, 5000);
  const long checkins = std::min(argument(argc, argv, 2, 1000), members);
  const long rate = std::max(1L, argument(argc, argv, 3, 50));
  const long coordinators = std::max(1L, argument(argc, argv, 4, 4));

  testing::TwilioServer twilio({.record_messages = false});
  testing::AlertScenario scenario({.gateways = testing::twilio_gateway_config("tw", twilio, 100000, 64)});
  testing::RosterOptions roster;
  roster.members = static_cast<size_t>(members);
  const auto people = scenario.import_roster(roster);
  const auto alert = scenario.send_and_wait(
      testing::alert_json("SMS", R"({"sms":"{first_name}: {code} {rsvp_link}"})"),
      std::chrono::seconds(300));
  auto& daemon = scenario.daemon();
  const std::string executive =
      daemon.create_token(scenario.token(), R"({"name":"bench","role":"executive"})");
  std::printf("alert %s to %ld members sent; %ld check-ins at %ld/s by %ld clients\n",
              alert.id.c_str(), members, checkins, rate, coordinators);

  // The other viewer.
  testing::SseClient viewer(daemon.base_url() + "/v1/alerts/" + alert.id + "/events",
                            {"Authorization: Bearer " + executive, "Accept: text/event-stream"});
  if (!viewer.wait_for([](const auto& events) { return !events.empty(); }, std::chrono::seconds(10))) {
    std::fprintf(stderr, "the viewer got no snapshot\n");
    return 1;
  }

  // Open loop: check-in i is due at start + i / rate.
  const auto start = Clock::now() + std::chrono::milliseconds(200);
  std::vector<Clock::time_point> due(checkins);
  for (long i = 0; i < checkins; ++i) {
    due[i] = start + std::chrono::microseconds(1'000'000 * i / rate);
  }
  std::mutex mutex;
  std::vector<Clock::time_point> answered_due;  // in the order the daemon answered
  std::atomic<long> next{0}, failed{0};
  std::vector<std::thread> clients;
  for (long c = 0; c < coordinators; ++c) {
    clients.emplace_back([&] {
      for (long i; (i = next++) < checkins;) {
        std::this_thread::sleep_until(due[i]);
        auto answer = testing::http_request(
            "POST", daemon.base_url() + "/v1/alerts/" + alert.id + "/checkins",
            R"({"memberId":")" + people[i].id + "\"}", testing::bearer(executive));
        std::lock_guard lock(mutex);
        if (answer.status == 200) {
          answered_due.push_back(due[i]);
        } else {
          ++failed;
        }
      }
    });
  }
  for (auto& client : clients) client.join();
  const long ok = static_cast<long>(answered_due.size());
  viewer.wait_for(
      [&](const auto& events) {
        std::map<std::string, int64_t> fields;
        int64_t sum = 0;
        for (const auto& e : events) sum = std::max(sum, present_in(e.event.data, fields));
        return sum >= ok;
      },
      std::chrono::seconds(30));
  viewer.close();

  // The k-th answered check-in is seen by the first event where the sum reaches k.
  std::map<std::string, int64_t> fields;
  std::vector<double> latencies;
  size_t k = 0;
  for (const auto& e : viewer.events()) {
    const int64_t sum = present_in(e.event.data, fields);
    while (sum >= 0 && k < answered_due.size() && static_cast<int64_t>(k) < sum) {
      latencies.push_back(std::chrono::duration<double, std::milli>(e.at - answered_due[k]).count());
      ++k;
    }
  }
  std::printf("check-ins answered 200: %ld, refused or failed: %ld, seen by the viewer: %zu\n",
              ok, failed.load(), latencies.size());
  std::printf("scan -> present on the viewer's screen: p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, "
              "max %.1f ms\n",
              percentile(latencies, 50), percentile(latencies, 90), percentile(latencies, 99),
              percentile(latencies, 100));
  const bool pass = latencies.size() == static_cast<size_t>(ok) && ok == checkins &&
                    percentile(latencies, 99) < 1000;
  std::printf("%s: p99 under 1 s with every check-in seen\n", pass ? "PASS" : "FAIL");
  return pass ? 0 : 1;
}
