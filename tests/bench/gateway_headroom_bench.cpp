// Issue 5, "Headroom": against one unlimited loopback Twilio-shaped endpoint
// (tests/support/twilio_server.h), Tocsin's send rate is at least half of what wrk reaches
// against the same endpoint with the same request, in the same run:
//   1. wrk (Debian package) with tests/bench/twilio_post.lua for WRK_SECONDS, posting the
//      very request TwilioGateway::build makes for one of the alert's members (same path,
//      Authorization and Content-Type headers, form body with To, From, Body,
//      StatusCallback and ValidityPeriod), on CONNECTIONS keep-alive connections from one
//      thread: the daemon's gateway has max_concurrency CONNECTIONS and one event-loop
//      thread, so both sides have the same number of requests in flight on the same
//      number of connections;
//   2. a real redis-server and tocsind with one twilio gateway at 1,000,000 segments/s,
//      max_concurrency CONNECTIONS, blasting one alert to MEMBERS members; Tocsin's rate is
//      what the server accepted per second, over the blast (first to last accepted) and
//      over its steady part (from the 10th to the 90th percentile of the messages).
// wrk runs first, alone, then the daemon, so they never compete for the 2 cores; the daemon
// shares them with its Redis, which wrk does not need.
//
//   gateway_headroom_bench [MEMBERS=50000] [CONNECTIONS=16] [WRK_SECONDS=10] [MAX_IN_FLIGHT]
//                          [LATENCY_MS=0]
//
// MAX_IN_FLIGHT sets dispatch.max_in_flight (default: the daemon's default, 256).
// LATENCY_MS makes the endpoint answer each request that much later (for wrk and tocsind
// alike), as a provider across the internet does: both are then bound by CONNECTIONS /
// latency, and the ratio shows whether the daemon keeps all CONNECTIONS busy.
//
// Under callgrind (TOCSIN_TEST_DAEMON_PREFIX="valgrind --tool=callgrind ...", see
// tests/support/daemon_process.cpp), the daemon's counts are zeroed just before the send
// and dumped once the alert is sent (callgrind_control), so that the dump holds the blast
// alone, not the start or the roster import: its total over MEMBERS is the daemon's
// instructions per message.

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <regex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "adapters/twilio/twilio_gateway.h"
#include "alerts/rsvp_link.h"
#include "dispatch/message_renderer.h"
#include "http/json.h"
#include "proto/tocsin.pb.h"
#include "tests/bench/alert_blast.h"
#include "tests/bench/callgrind_control.h"
#include "tests/bench/process_cpu.h"
#include "tests/support/daemon_process.h"
#include "tests/support/http_client.h"
#include "tests/support/subprocess.h"
#include "tests/support/twilio_server.h"

namespace {

using namespace tocsin;
using Clock = std::chrono::steady_clock;

double seconds(Clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

const char* kFrench =
    "{first_name}, assemblée d'urgence {event_time} à {place}. Réponds OUI {code} ou NON "
    "{code}. {rsvp_link}";
const char* kEnglish =
    "{first_name}, emergency assembly {event_time} at {place}. Reply YES {code} or NO {code}. "
    "{rsvp_link}";

std::string header_value(const adapters::Headers& headers, const std::string& name) {
  for (const auto& [key, value] : headers) {
    if (key == name) return value;
  }
  return "";
}

// The request the daemon's gateway makes for a typical member of the alert.
adapters::HttpRequest typical_request(const Alert& alert, const adapters::TwilioGateway& gateway,
                                      const std::string& public_url) {
  dispatch::MessageRenderer renderer(alert, "America/Toronto");
  Member member;
  member.set_id("M100001");
  member.set_first_name("Geneviève");
  member.set_language("fr");
  const std::string tag = alerts::rsvp_tag("a secret of the same length", alert.id(), member.id());
  auto message = renderer.render(member, "sms", "+18195550001",
                                 alerts::rsvp_link(public_url, alert.code(), tag));
  return std::get<adapters::HttpRequest>(gateway.build(message));
}

// True when the daemon runs under callgrind (see the top of the file).
bool under_callgrind() {
  const char* prefix = std::getenv("TOCSIN_TEST_DAEMON_PREFIX");
  return prefix != nullptr && std::string(prefix).find("callgrind") != std::string::npos;
}

struct Sample {
  Clock::time_point at;
  uint64_t accepted;
};

}  // namespace

int run(int argc, char** argv) {
  const size_t members = argc > 1 ? std::stoul(argv[1]) : 50000;
  const int connections = argc > 2 ? std::stoi(argv[2]) : 16;
  const int wrk_seconds = argc > 3 ? std::stoi(argv[3]) : 10;
  const std::string max_in_flight = argc > 4 && std::string(argv[4]) != "-" ? argv[4] : "";
  const int latency_ms = argc > 5 ? std::stoi(argv[5]) : 0;

  testing::TwilioServerOptions server_options;
  server_options.record_messages = false;  // counts only: millions of requests
  testing::TwilioServer server(server_options);
  server.set_latency(std::chrono::milliseconds(latency_ms));
  if (latency_ms > 0) std::printf("endpoint latency: %d ms\n", latency_ms);

  const std::string gateway_config =
      "gateways { name: \"tw\" rate_per_second: 1000000 max_concurrency: " +
      std::to_string(connections) + " twilio { base_url: \"" + server.base_url() +
      "\" account_sid: \"" + server.account_sid() + "\" auth_token { inline: \"" +
      server.auth_token() + "\" } from: \"+15145550100\" } }\n";
  const std::string dispatch_config =
      max_in_flight.empty() ? "" : "dispatch { max_in_flight: " + max_in_flight + " }\n";
  bench::AlertBlast blast(gateway_config, dispatch_config, members);
  const int64_t reachable = blast.reachable_by_sms();
  const std::string id = blast.create(bench::sms_alert_json(kFrench, kEnglish, false));

  // The request wrk repeats: what the daemon's gateway builds for one member of this alert.
  auto shown = testing::http_request("GET", blast.daemon().base_url() + "/v1/alerts/" + id, "",
                                     {"Authorization: Bearer " + blast.admin_token()});
  AlertResponse response;
  std::string error;
  if (shown.status != 200 || !http::from_json(shown.body, &response, &error)) {
    throw std::runtime_error("reading the alert failed: " + shown.body + error);
  }
  adapters::TwilioSettings settings;
  settings.base_url = server.base_url();
  settings.account_sid = server.account_sid();
  settings.auth_token = server.auth_token();
  settings.from = "+15145550100";
  settings.status_callback_url = blast.daemon().base_url() + "/hooks/twilio/tw/status";
  const adapters::TwilioGateway gateway("tw", 1e6, settings);
  const adapters::HttpRequest request =
      typical_request(response.alert(), gateway, blast.daemon().base_url());

  // 1. wrk alone.
  const double server_cpu_before_wrk = bench::own_cpu_seconds();
  const double children_cpu_before_wrk = bench::children_cpu_seconds();
  testing::Subprocess wrk(testing::Subprocess::Options{
      .argv = {"wrk", "-t1", "-c" + std::to_string(connections),
               "-d" + std::to_string(wrk_seconds) + "s", "-s",
               std::string(TOCSIN_SOURCE_DIR) + "/tests/bench/twilio_post.lua", server.base_url()},
      .env_set = {{"TWILIO_PATH", gateway.messages_url().substr(server.base_url().size())},
                  {"TWILIO_AUTHORIZATION", header_value(request.headers, "Authorization")},
                  {"TWILIO_BODY", request.body}}});
  if (wrk.wait_for_exit(std::chrono::seconds(wrk_seconds + 30)) != 0) {
    throw std::runtime_error("wrk failed:\n" + wrk.stdout_text() + wrk.stderr_text());
  }
  const std::string wrk_output = wrk.stdout_text();
  std::smatch match;
  double wrk_rate = 0;
  if (std::regex_search(wrk_output, match, std::regex(R"(Requests/sec:\s+([0-9.]+))"))) {
    wrk_rate = std::stod(match[1]);
  }
  const uint64_t wrk_accepted = server.accepted();
  // wrk has been reaped: its CPU is in RUSAGE_CHILDREN now.
  const double wrk_cpu = bench::children_cpu_seconds() - children_cpu_before_wrk;
  const double wrk_server_cpu = bench::own_cpu_seconds() - server_cpu_before_wrk;
  const uint64_t wrk_connections = server.connections_accepted();
  std::printf("--- wrk, 1 thread, %d connections, %d s, a %zu-byte body\n%s", connections,
              wrk_seconds, request.body.size(), wrk_output.c_str());
  std::printf("server: %llu accepted from wrk, over %llu connections\n",
              static_cast<unsigned long long>(wrk_accepted),
              static_cast<unsigned long long>(wrk_connections));
  std::printf("CPU per request: wrk %.1f us, server %.1f us\n", 1e6 * wrk_cpu / wrk_accepted,
              1e6 * wrk_server_cpu / wrk_accepted);

  // 2. The daemon: send, and watch the server's count until the alert is sent.
  std::vector<Sample> samples;
  samples.reserve(1 << 20);
  const pid_t redis_pid = bench::child_named("redis-server");
  const pid_t daemon_pid = blast.daemon().process().pid();
  const double daemon_cpu_before = bench::cpu_seconds(daemon_pid);
  const double redis_cpu_before = redis_pid > 0 ? bench::cpu_seconds(redis_pid) : 0;
  const double server_cpu_before = bench::own_cpu_seconds();
  if (under_callgrind()) bench::callgrind_control("-z", daemon_pid);
  const auto send_start = Clock::now();
  blast.send(id);
  const uint64_t expected = static_cast<uint64_t>(reachable);
  while (server.accepted() - wrk_accepted < expected) {
    samples.push_back({Clock::now(), server.accepted() - wrk_accepted});
    if (seconds(Clock::now() - send_start) > 600) throw std::runtime_error("the blast is stuck");
    std::this_thread::sleep_for(std::chrono::microseconds(500));
  }
  samples.push_back({Clock::now(), server.accepted() - wrk_accepted});
  blast.wait_until_sent(id, std::chrono::seconds(60));
  if (under_callgrind()) bench::callgrind_control("-d", daemon_pid);
  const double total_seconds = seconds(Clock::now() - send_start);
  const double daemon_cpu = bench::cpu_seconds(daemon_pid) - daemon_cpu_before;
  const double redis_cpu = redis_pid > 0 ? bench::cpu_seconds(redis_pid) - redis_cpu_before : 0;
  const double server_cpu = bench::own_cpu_seconds() - server_cpu_before;

  // The first sample that reached `count`.
  auto time_of = [&samples](uint64_t count) {
    for (const Sample& s : samples) {
      if (s.accepted >= count) return s.at;
    }
    return samples.back().at;
  };
  const uint64_t sent = samples.back().accepted;
  const auto first = time_of(1);
  const auto last = time_of(sent);
  const double blast_rate = static_cast<double>(sent - 1) / seconds(last - first);
  const uint64_t p10 = sent / 10;
  const uint64_t p90 = sent - sent / 10;
  const double steady_rate = static_cast<double>(p90 - p10) / seconds(time_of(p90) - time_of(p10));
  std::printf("--- tocsind, one twilio gateway, max_concurrency %d, dispatch.max_in_flight %s\n",
              connections, max_in_flight.empty() ? "256 (default)" : max_in_flight.c_str());
  std::printf(
      "%llu messages to %lld members with a mobile; send -> alert sent %.2f s; first "
      "to last accepted %.2f s, over %llu connections\n",
      static_cast<unsigned long long>(sent), static_cast<long long>(reachable), total_seconds,
      seconds(last - first),
      static_cast<unsigned long long>(server.connections_accepted() - wrk_connections));
  std::printf("tocsin over the blast: %.0f messages/s; steady (10th to 90th percentile): %.0f/s\n",
              blast_rate, steady_rate);
  std::printf("CPU per message: tocsind %.1f us, redis %.1f us, server %.1f us\n",
              1e6 * daemon_cpu / sent, 1e6 * redis_cpu / sent, 1e6 * server_cpu / sent);
  std::printf("wrk: %.0f requests/s\n", wrk_rate);
  const double ratio = wrk_rate > 0 ? blast_rate / wrk_rate : 0;
  std::printf("tocsin / wrk: %.2f over the blast, %.2f steady (target >= 0.5): %s\n", ratio,
              wrk_rate > 0 ? steady_rate / wrk_rate : 0, ratio >= 0.5 ? "met" : "MISSED");
  return ratio >= 0.5 ? 0 : 3;
}

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "gateway_headroom_bench: %s\n", e.what());
    return 1;
  }
}
