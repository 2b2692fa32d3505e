// Issue 20's performance figures: the blast rate and the reply -> viewer latency on a
// Sentinel-watched master with one replica (the send waiting for it: WAIT 1, the default
// with Sentinel) and on a Redis Cluster of three masters with a replica each (WAIT 1 too),
// each against a single Redis, in the same run; each setup ROUNDS times, alternating.
//
// Blast: tocsind sends an SMS alert to MEMBERS members through an unlimited file gateway
// writing to /dev/null (so Redis and the daemon are what is measured), from the send until
// the alert is `sent`. Replies: then a viewer follows the alert's event stream while
// REPLIES members (from the numbers the alert reached, alert:{id}:to) answer "OUI" through
// the signed Twilio webhook, one every 5 ms (200/s, open loop, one after the other so they
// are stored in the order sent). Every reply raises the summed "<region>|all|yes" by one,
// so the k-th reply is carried by the first change event in which that sum reaches k: its
// latency is that event's arrival minus the time the reply was due.
//
//   topology_bench [MEMBERS=30000] [ROUNDS=2] [REPLIES=1000]

#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "http/json.h"
#include "proto/tocsin.pb.h"
#include "tests/support/alert_scenario.h"
#include "tests/support/daemon_process.h"
#include "tests/support/http_client.h"
#include "tests/support/redis_cluster_nodes.h"
#include "tests/support/redis_sentinels.h"
#include "tests/support/redis_server.h"
#include "tests/support/redis_sync.h"
#include "tests/support/sse_client.h"
#include "tests/support/synthetic_roster.h"
#include "tests/support/twilio_server.h"

namespace {

using namespace tocsin;
using Clock = std::chrono::steady_clock;

// The file gateway takes the blast; the Twilio one, at 1 message/s, is there for its
// inbound webhook (the pool shares messages in proportion to the rates: it gets a handful).
std::string gateways(const testing::TwilioServer& twilio) {
  return "gateways { name: \"sms-null\" rate_per_second: 1000000 max_concurrency: 1000 "
         "file { channel: \"sms\" path: \"/dev/null\" } }\n" +
         testing::twilio_gateway_config("tw", twilio, 1) +
         "alerts { approval_threshold: 10000000 }\n";
}

struct Figures {
  double messages_per_second = 0;
  double p50_ms = 0;
  double p99_ms = 0;
};

double percentile(std::vector<double> values, double q) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  return values[std::min(values.size() - 1, static_cast<size_t>(q * values.size()))];
}

// The summed "<region>|all|yes" after each change event, with its arrival.
std::vector<std::pair<Clock::time_point, int64_t>> yes_over_time(
    const std::vector<testing::ReceivedEvent>& events) {
  static const std::string kSuffix = "|all|yes\":";
  std::map<std::string, int64_t> per_region;
  std::vector<std::pair<Clock::time_point, int64_t>> out;
  for (const auto& received : events) {
    const std::string& data = received.event.data;
    for (size_t found = data.find(kSuffix); found != std::string::npos;
         found = data.find(kSuffix, found + 1)) {
      const size_t quote = data.rfind('"', found);
      if (quote == std::string::npos) continue;
      per_region[data.substr(quote + 1, found - quote - 1)] =
          std::strtoll(data.c_str() + found + kSuffix.size(), nullptr, 10);
    }
    int64_t sum = 0;
    for (const auto& [region, yes] : per_region) sum += yes;
    out.emplace_back(received.at, sum);
  }
  return out;
}

// `node_for` names the port of the Redis holding a key (the master; in a cluster, its slot's).
Figures measure(testing::DaemonProcess& daemon, const testing::TwilioServer& twilio,
                const std::function<uint16_t(const std::string&)>& node_for, size_t members,
                size_t replies) {
  const std::string admin = "Authorization: Bearer " + daemon.bootstrap_admin("bench");
  testing::RosterOptions roster;
  roster.members = members;
  roster.shared_phone_every = 0;
  const auto imported =
      testing::http_request("POST", daemon.base_url() + "/v1/members:import",
                            testing::make_roster_csv(roster), {admin, "Content-Type: text/csv"});
  if (imported.status != 200) throw std::runtime_error("import failed: " + imported.body);
  const auto created = testing::http_request(
      "POST", daemon.base_url() + "/v1/alerts",
      testing::alert_json("SMS", R"({"sms":"Assemblée ce soir. OUI {code}"})"), {admin});
  if (created.status != 201) throw std::runtime_error("create failed: " + created.body);
  AlertResponse alert;
  std::string error;
  if (!http::from_json(created.body, &alert, &error)) throw std::runtime_error(error);
  const std::string id = alert.alert().id();
  const std::string url = daemon.base_url() + "/v1/alerts/" + id;
  Figures figures;
  const auto start = Clock::now();
  if (testing::http_request("POST", url + ":send", "", {admin}).status != 202) {
    throw std::runtime_error("send refused");
  }
  AlertResponse state;
  while (true) {
    const auto answer = testing::http_request("GET", url, "", {admin});
    if (answer.status == 200 && http::from_json(answer.body, &state, &error) &&
        state.alert().state() == SENT) {
      break;
    }
    if (Clock::now() - start > std::chrono::minutes(10)) throw std::runtime_error("not sent");
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  figures.messages_per_second =
      state.delivery().at("sent") / std::chrono::duration<double>(Clock::now() - start).count();

  const std::string to_key = "alert:{" + id + "}:to";
  testing::RedisSync holder(node_for(to_key));
  const auto reached = holder.command({"HKEYS", to_key});
  if (reached.elements.size() < replies) throw std::runtime_error("too few members reached");
  testing::SseClient viewer(url + "/events", {admin});
  if (!viewer.wait_for([](const auto& events) { return !events.empty(); },
                       std::chrono::seconds(10))) {
    throw std::runtime_error("the viewer got no first event");
  }
  std::vector<Clock::time_point> due(replies);
  const auto first = Clock::now() + std::chrono::milliseconds(50);
  for (size_t i = 0; i < replies; ++i) {
    due[i] = first + std::chrono::milliseconds(5 * i);
    std::this_thread::sleep_until(due[i]);
    const auto answer =
        testing::post_twilio_reply(daemon.base_url(), "tw", twilio, reached.elements[i].str, "OUI",
                                   "SMbench" + id + std::to_string(i));
    if (answer.status != 200) throw std::runtime_error("reply refused: " + answer.body);
  }
  const auto baseline = yes_over_time(viewer.events());
  const int64_t before = baseline.empty() ? 0 : baseline.front().second;
  if (!viewer.wait_for(
          [&](const auto& events) {
            const auto yes = yes_over_time(events);
            return !yes.empty() && yes.back().second >= before + static_cast<int64_t>(replies);
          },
          std::chrono::seconds(30))) {
    throw std::runtime_error("the viewer did not see every reply");
  }
  const auto yes = yes_over_time(viewer.events());
  std::vector<double> latencies;
  size_t at = 0;
  for (size_t k = 1; k <= replies; ++k) {
    while (at < yes.size() && yes[at].second < before + static_cast<int64_t>(k)) ++at;
    latencies.push_back(
        std::chrono::duration<double, std::milli>(yes[at].first - due[k - 1]).count());
  }
  viewer.close();
  figures.p50_ms = percentile(latencies, 0.5);
  figures.p99_ms = percentile(latencies, 0.99);
  return figures;
}

Figures single(size_t members, size_t replies) {
  testing::RedisServer redis;
  testing::TwilioServer twilio;
  testing::DaemonProcess daemon({.redis_url = redis.url(), .extra_config = gateways(twilio)});
  return measure(
      daemon, twilio, [&](const std::string&) { return redis.port(); }, members, replies);
}

Figures sentinel(size_t members, size_t replies) {
  testing::RedisSentinels sentinels;
  testing::TwilioServer twilio;
  testing::DaemonProcess daemon(
      {.redis_fields = sentinels.daemon_redis_fields(), .extra_config = gateways(twilio)});
  return measure(
      daemon, twilio, [&](const std::string&) { return sentinels.current_master_port(); }, members,
      replies);
}

Figures cluster(size_t members, size_t replies) {
  testing::RedisClusterNodes nodes;
  testing::TwilioServer twilio;
  testing::DaemonProcess daemon(
      {.redis_fields = nodes.daemon_redis_fields(), .extra_config = gateways(twilio)});
  return measure(
      daemon, twilio, [&](const std::string& key) { return nodes.port_for_key(key); }, members,
      replies);
}

void print(const char* name, const Figures& f, const Figures& base) {
  std::printf(
      "  %-32s %6.0f messages/s (%.2f of single)  reply -> viewer p50 %5.1f ms, p99 %6.1f ms\n",
      name, f.messages_per_second, f.messages_per_second / base.messages_per_second, f.p50_ms,
      f.p99_ms);
}

int run(int argc, char** argv) {
  const size_t members = argc > 1 ? std::stoul(argv[1]) : 30000;
  const int rounds = argc > 2 ? std::stoi(argv[2]) : 2;
  const size_t replies = argc > 3 ? std::stoul(argv[3]) : 1000;
  Figures sums[3];
  for (int round = 0; round < rounds; ++round) {
    const Figures figures[3] = {single(members, replies), sentinel(members, replies),
                                cluster(members, replies)};
    std::printf("round %d, %zu members, %zu replies:\n", round + 1, members, replies);
    print("single Redis", figures[0], figures[0]);
    print("Sentinel master + replica, WAIT 1", figures[1], figures[0]);
    print("cluster, 3 masters + replicas", figures[2], figures[0]);
    for (int i = 0; i < 3; ++i) {
      sums[i].messages_per_second += figures[i].messages_per_second / rounds;
      sums[i].p50_ms += figures[i].p50_ms / rounds;
      sums[i].p99_ms += figures[i].p99_ms / rounds;
    }
  }
  std::printf("mean of %d rounds:\n", rounds);
  print("single Redis", sums[0], sums[0]);
  print("Sentinel master + replica, WAIT 1", sums[1], sums[0]);
  print("cluster, 3 masters + replicas", sums[2], sums[0]);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  curl_global_init(CURL_GLOBAL_DEFAULT);
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "topology_bench: %s\n", e.what());
    return 1;
  }
}
