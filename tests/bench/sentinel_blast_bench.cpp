// Issue 20's performance figure for Sentinel: the blast rate on a Sentinel-watched master
// with one replica, the send waiting for it (WAIT 1, as redis.sentinel makes the default),
// against a single Redis, in the same run. tocsind sends an SMS alert to MEMBERS members
// through an unlimited file gateway writing to /dev/null (so Redis and the daemon are what
// is measured), from the send until the alert is `sent`; each setup runs ROUNDS times,
// alternating.
//
//   sentinel_blast_bench [MEMBERS=50000] [ROUNDS=2]

#include <curl/curl.h>

#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <thread>

#include "http/json.h"
#include "proto/tocsin.pb.h"
#include "tests/support/alert_scenario.h"
#include "tests/support/daemon_process.h"
#include "tests/support/http_client.h"
#include "tests/support/redis_sentinels.h"
#include "tests/support/redis_server.h"
#include "tests/support/synthetic_roster.h"

namespace {

using namespace tocsin;
using Clock = std::chrono::steady_clock;

constexpr const char* kGateway =
    "gateways { name: \"sms-null\" rate_per_second: 1000000 max_concurrency: 1000 "
    "file { channel: \"sms\" path: \"/dev/null\" } }\n"
    "alerts { approval_threshold: 10000000 }\n";

// Imports the roster, sends one alert to everyone: messages per second from the send to
// `sent`.
double blast(testing::DaemonProcess& daemon, size_t members) {
  const std::string admin = "Authorization: Bearer " + daemon.bootstrap_admin("bench");
  testing::RosterOptions roster;
  roster.members = members;
  roster.shared_phone_every = 0;
  const auto imported = testing::http_request("POST", daemon.base_url() + "/v1/members:import",
                                              testing::make_roster_csv(roster),
                                              {admin, "Content-Type: text/csv"});
  if (imported.status != 200) throw std::runtime_error("import failed: " + imported.body);
  const auto created = testing::http_request(
      "POST", daemon.base_url() + "/v1/alerts",
      testing::alert_json("SMS", R"({"sms":"Assemblée ce soir. OUI {code}"})"), {admin});
  if (created.status != 201) throw std::runtime_error("create failed: " + created.body);
  AlertResponse alert;
  std::string error;
  if (!http::from_json(created.body, &alert, &error)) throw std::runtime_error(error);
  const std::string url = daemon.base_url() + "/v1/alerts/" + alert.alert().id();
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
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return state.delivery().at("sent") / seconds;
}

double single(size_t members) {
  testing::RedisServer redis;
  testing::DaemonProcess daemon({.redis_url = redis.url(), .extra_config = kGateway});
  return blast(daemon, members);
}

double sentinel(size_t members) {
  testing::RedisSentinels sentinels;
  testing::DaemonProcess daemon(
      {.redis_fields = sentinels.daemon_redis_fields(), .extra_config = kGateway});
  return blast(daemon, members);
}

int run(int argc, char** argv) {
  const size_t members = argc > 1 ? std::stoul(argv[1]) : 50000;
  const int rounds = argc > 2 ? std::stoi(argv[2]) : 2;
  double single_total = 0;
  double sentinel_total = 0;
  for (int round = 0; round < rounds; ++round) {
    const double a = single(members);
    const double b = sentinel(members);
    std::printf("round %d: single Redis %.0f messages/s; Sentinel master + replica, WAIT 1: %.0f "
                "messages/s (%.2f of single)\n",
                round + 1, a, b, b / a);
    single_total += a;
    sentinel_total += b;
  }
  std::printf("mean of %d rounds, %zu members: single %.0f/s, Sentinel with WAIT %.0f/s: %.2f\n",
              rounds, members, single_total / rounds, sentinel_total / rounds,
              sentinel_total / single_total);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  curl_global_init(CURL_GLOBAL_DEFAULT);
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "sentinel_blast_bench: %s\n", e.what());
    return 1;
  }
}
