// How fast the Twilio-shaped test server answers (tests/support/twilio_server.h), and how
// fast the daemon's client parts alone (TwilioGateway::build and classify over one
// io::CurlMulti with its default options) send to it, side by side in the same run:
//   1. wrk (Debian package) with tests/bench/twilio_post.lua, posting the very request
//      TwilioGateway::build makes, for DURATION seconds on CONNECTIONS connections;
//   2. the same number of requests through CurlMulti on one thread, 64 in flight.
// The engine's own headroom benchmark (issue 5) adds Redis and the dispatcher on top of 2.
//
//   twilio_server_bench [DURATION_S=10] [CONNECTIONS=16] [THREADS=1]
//
// DURATION_S 0 runs the client part alone (no wrk, no adapter-only loop), e.g. under perf.

#include <sys/resource.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <regex>
#include <string>

#include "adapters/twilio/twilio_gateway.h"
#include "io/curl_multi.h"
#include "tests/support/subprocess.h"
#include "tests/support/twilio_server.h"

namespace {

namespace asio = boost::asio;
using namespace tocsin;
using Clock = std::chrono::steady_clock;

adapters::OutgoingMessage bench_message() {
  adapters::OutgoingMessage message;
  message.alert_id = "A7";
  message.member_id = "m-1";
  message.channel = "sms";
  message.to = "+15145551234";
  message.language = "fr";
  message.text =
      "Marie-Ève, assemblée d'urgence dimanche 7 h 00 au Parc Lafontaine. Réponds OUI A7 "
      "ou NON A7. https://tocsin.example.org/r/A7.k3J9xQ2mPa";
  message.idempotency_key = "A7:m-1:sms";
  return message;
}

std::string header_value(const adapters::Headers& headers, const std::string& name) {
  for (const auto& [key, value] : headers) {
    if (key == name) return value;
  }
  return "";
}

// CPU seconds of the calling thread (the one running the client's io_context).
double thread_cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_THREAD, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

// Keeps `in_flight` requests going until `total` have been answered.
asio::awaitable<void> sender(io::CurlMulti& client, const adapters::TwilioGateway& gateway,
                             const adapters::OutgoingMessage& message, uint64_t* remaining,
                             uint64_t* accepted) {
  while (*remaining > 0) {
    --*remaining;
    auto request = std::get<adapters::HttpRequest>(gateway.build(message));
    adapters::GatewayResponse response = co_await client.execute(std::move(request));
    if (gateway.classify(message, response).outcome == dispatch::Outcome::accepted) ++*accepted;
  }
}

}  // namespace

int main(int argc, char** argv) {
  const int duration_s = argc > 1 ? std::stoi(argv[1]) : 10;
  const int connections = argc > 2 ? std::stoi(argv[2]) : 16;
  const int threads = argc > 3 ? std::stoi(argv[3]) : 1;

  testing::TwilioServerOptions options;
  options.record_messages = false;
  testing::TwilioServer server(options);
  adapters::TwilioSettings settings;
  settings.base_url = server.base_url();
  settings.account_sid = server.account_sid();
  settings.auth_token = server.auth_token();
  settings.from = "+15145550100";
  settings.status_callback_url = "https://tocsin.example.org/hooks/twilio/tw1/status";
  const adapters::TwilioGateway gateway("tw1", 1e6, settings);
  const adapters::OutgoingMessage message = bench_message();
  const auto request = std::get<adapters::HttpRequest>(gateway.build(message));

  // 1. wrk.
  double wrk_rate = 0;
  uint64_t wrk_accepted = 0;
  if (duration_s > 0) {
    testing::Subprocess wrk(testing::Subprocess::Options{
        .argv = {"wrk", "-t" + std::to_string(threads), "-c" + std::to_string(connections),
                 "-d" + std::to_string(duration_s) + "s", "-s",
                 std::string(TOCSIN_SOURCE_DIR) + "/tests/bench/twilio_post.lua",
                 server.base_url()},
        .env_set = {{"TWILIO_PATH", gateway.messages_url().substr(server.base_url().size())},
                    {"TWILIO_AUTHORIZATION", header_value(request.headers, "Authorization")},
                    {"TWILIO_BODY", request.body}}});
    if (wrk.wait_for_exit(std::chrono::seconds(duration_s + 30)) != 0) {
      std::fprintf(stderr, "wrk failed:\n%s%s", wrk.stdout_text().c_str(),
                   wrk.stderr_text().c_str());
      return 1;
    }
    std::printf("--- wrk, %d connection(s), %d thread(s), %d s\n%s", connections, threads,
                duration_s, wrk.stdout_text().c_str());
    wrk_accepted = server.accepted();
    std::smatch match;
    const std::string wrk_output = wrk.stdout_text();
    if (std::regex_search(wrk_output, match, std::regex(R"(Requests/sec:\s+([0-9.]+))"))) {
      wrk_rate = std::stod(match[1]);
    }
    std::printf("server: %llu accepted, %llu requests, %llu connections\n",
                static_cast<unsigned long long>(wrk_accepted),
                static_cast<unsigned long long>(server.requests()),
                static_cast<unsigned long long>(server.connections_accepted()));
  }

  // 2. CurlMulti + the adapter, one thread.
  asio::io_context io;
  io::CurlMulti client(io.get_executor());
  const uint64_t total = std::max<uint64_t>(wrk_accepted / 4, 20000);
  uint64_t remaining = total;
  uint64_t accepted = 0;
  for (int i = 0; i < 64; ++i) {
    asio::co_spawn(io, sender(client, gateway, message, &remaining, &accepted), asio::detached);
  }
  const auto started = Clock::now();
  const double cpu_before = thread_cpu_seconds();
  io.run();
  const double client_cpu = thread_cpu_seconds() - cpu_before;
  const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  const double client_rate = static_cast<double>(accepted) / seconds;
  std::printf(
      "--- CurlMulti + TwilioGateway, 64 in flight, default options\n"
      "%llu of %llu accepted in %.2f s: %.0f requests/s over %llu connection(s)\n",
      static_cast<unsigned long long>(accepted), static_cast<unsigned long long>(total), seconds,
      client_rate, static_cast<unsigned long long>(client.connections_opened()));
  std::printf("client thread CPU: %.1f us per request\n", 1e6 * client_cpu / total);
  if (wrk_rate > 0) std::printf("client / wrk: %.2f\n", client_rate / wrk_rate);

  if (duration_s == 0) return accepted == total ? 0 : 1;
  // 3. The adapter alone: what build() and classify() cost per message, without I/O.
  adapters::GatewayResponse answer;
  answer.http_status = 201;
  answer.body = R"({"account_sid": "AC1", "api_version": "2010-04-01", "body": "x", )"
                R"("error_code": null, "sid": "SM0123456789abcdef0123456789abcdef", )"
                R"("status": "queued", "to": "+15145551234"})";
  const int rounds = 200000;
  size_t checksum = 0;
  const auto adapter_started = Clock::now();
  for (int i = 0; i < rounds; ++i) {
    checksum += std::get<adapters::HttpRequest>(gateway.build(message)).body.size();
    checksum += gateway.classify(message, answer).message_id.size();
  }
  const double adapter_seconds =
      std::chrono::duration<double>(Clock::now() - adapter_started).count();
  std::printf("--- TwilioGateway build + classify alone: %.2f us per message (%zu)\n",
              1e6 * adapter_seconds / rounds, checksum % 10);
  return accepted == total ? 0 : 1;
}
