// Issue 5, "Rate accuracy": three Twilio-shaped gateways limited at 50, 200 and 1,000
// segments/s (tests/support/twilio_server.h, which answers 429 past its limit and counts
// per one-second window on its own side), one real tocsind sending through all three at
// those rates, 20,000 members with a mobile. Targets: the aggregate is at least 98% of
// 1,250 segments/s, no gateway goes over its limit in any one-second window (the server's
// fixed seconds, and any sliding second of arrival times), 0 rejected (429).
//
//   gateway_rate_bench [MEMBERS=20000] [one|mixed]
//
// `one`: every text is one GSM-7 segment (accents folded). `mixed`: the English text (a
// seventh of the members) is two segments, and with accents kept the names with a ç
// (François, Françoise: an eighth) make their text UCS-2, two segments in French and four
// in English; gateways limit segments, not messages.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

#include "tests/bench/alert_blast.h"
#include "tests/support/twilio_server.h"

namespace {

using namespace tocsin;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

double seconds(Clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

struct Limited {
  std::string name;
  int limit;
  std::unique_ptr<testing::TwilioServer> server;
};

std::string twilio_gateway_config(const Limited& gateway) {
  return "gateways { name: \"" + gateway.name +
         "\" rate_per_second: " + std::to_string(gateway.limit) + " twilio { base_url: \"" +
         gateway.server->base_url() + "\" account_sid: \"" + gateway.server->account_sid() +
         "\" auth_token { inline: \"" + gateway.server->auth_token() +
         "\" } from: \"+15145550100\" } }\n";
}

// Both texts are one GSM-7 segment for any name in the roster.
const char* kShortFrench =
    "{first_name}: assemblée {event_time}, {place}. OUI {code} / NON {code} {rsvp_link}";
const char* kShortEnglish =
    "{first_name}: assembly {event_time}, {place}. YES {code} / NO {code} {rsvp_link}";
// 161 to 306 GSM-7 characters: two segments.
const char* kLongEnglish =
    "{first_name}, this is an emergency call from your union: a general assembly is called "
    "for {event_time} at {place}. Please be there, it matters. Reply YES {code} or NO {code} "
    "so that we can plan the buses. Details: {rsvp_link}";

}  // namespace

int run(int argc, char** argv) {
  const size_t members = argc > 1 ? std::stoul(argv[1]) : 20000;
  const std::string mix = argc > 2 ? argv[2] : "one";
  if (mix != "one" && mix != "mixed") throw std::runtime_error("texts: one or mixed");

  std::vector<Limited> gateways;
  for (auto [name, limit] : {std::pair{"tw50", 50}, {"tw200", 200}, {"tw1000", 1000}}) {
    testing::TwilioServerOptions options;
    options.record_messages = true;  // arrival times, for the sliding windows
    auto server = std::make_unique<testing::TwilioServer>(options);
    server->set_rate_limit(limit);
    gateways.push_back(Limited{name, limit, std::move(server)});
  }
  int configured = 0;
  std::string config;
  for (const auto& gateway : gateways) {
    config += twilio_gateway_config(gateway);
    configured += gateway.limit;
  }

  bench::AlertBlast blast(config, "", members);
  std::printf("roster: %zu members, %lld with a mobile; texts: %s\n", members,
              static_cast<long long>(blast.reachable_by_sms()),
              mix == "one" ? "one segment each" : "mixed, 1 to 4 segments");
  const std::string id =
      blast.create(mix == "one" ? bench::sms_alert_json(kShortFrench, kShortEnglish, true)
                                : bench::sms_alert_json(kShortFrench, kLongEnglish, false));
  const auto send_start = Clock::now();
  blast.send(id);
  blast.wait_until_sent(id, std::chrono::seconds(600));
  const double total_seconds = seconds(Clock::now() - send_start);

  // Every accepted message, all gateways together, by arrival time.
  struct Arrival {
    Clock::time_point at;
    int segments;
  };
  std::vector<Arrival> all;
  uint64_t by_size[5] = {0, 0, 0, 0, 0};
  uint64_t rejected = 0;
  for (const auto& gateway : gateways) {
    for (const auto& message : gateway.server->messages()) {
      all.push_back({message.arrived, message.segments});
      ++by_size[std::min(message.segments, 4)];
    }
    rejected += gateway.server->rejected();
  }
  if (all.size() < 2) throw std::runtime_error("fewer than two messages arrived");
  std::sort(all.begin(), all.end(), [](const Arrival& a, const Arrival& b) { return a.at < b.at; });
  const Clock::time_point first = all.front().at;
  const Clock::time_point last = all.back().at;
  uint64_t total_segments = 0;
  for (const Arrival& a : all) total_segments += static_cast<uint64_t>(a.segments);

  // Over the blast: the segments after the first arrival, over the time from the first to
  // the last. Over the steady part: the segments arriving between one second after the
  // first and one second before the last (the ramp-up and the tail left out).
  const double blast_seconds = seconds(last - first);
  const double blast_rate =
      static_cast<double>(total_segments - all.front().segments) / blast_seconds;
  const Clock::time_point steady_from = first + std::chrono::seconds(1);
  const Clock::time_point steady_to = last - std::chrono::seconds(1);
  auto steady_segments = [&](const std::vector<testing::TwilioServer::Message>& messages) {
    uint64_t sum = 0;
    for (const auto& m : messages) {
      if (m.arrived >= steady_from && m.arrived < steady_to)
        sum += static_cast<uint64_t>(m.segments);
    }
    return sum;
  };
  const double steady_seconds = seconds(steady_to - steady_from);

  std::printf(
      "messages accepted: %zu (of 1, 2, 3, 4+ segments: %llu, %llu, %llu, %llu), %llu "
      "segments\n",
      all.size(), static_cast<unsigned long long>(by_size[1]),
      static_cast<unsigned long long>(by_size[2]), static_cast<unsigned long long>(by_size[3]),
      static_cast<unsigned long long>(by_size[4]), static_cast<unsigned long long>(total_segments));
  std::printf("time: send -> alert sent %.2f s; first to last accepted %.2f s\n", total_seconds,
              blast_seconds);

  uint64_t steady_total = 0;
  bool fixed_ok = true;
  bool sliding_ok = true;
  std::printf("%-7s %6s %9s %14s %17s %15s %9s %16s\n", "gateway", "limit", "segments",
              "steady seg/s", "max fixed second", "max sliding 1 s", "rejected", "max 10/100 ms");
  for (const auto& gateway : gateways) {
    const auto messages = gateway.server->messages();
    const uint64_t steady = steady_segments(messages);
    steady_total += steady;
    const auto per_second = gateway.server->segments_per_second();
    const uint64_t fixed =
        per_second.empty() ? 0 : *std::max_element(per_second.begin(), per_second.end());
    const uint64_t sliding = gateway.server->max_segments_in_window(milliseconds(1000));
    fixed_ok = fixed_ok && fixed <= static_cast<uint64_t>(gateway.limit);
    sliding_ok = sliding_ok && sliding <= static_cast<uint64_t>(gateway.limit);
    // Bunching on a short scale shows the jitter between our sending and the arrivals.
    const uint64_t in_10ms = gateway.server->max_segments_in_window(milliseconds(10));
    const uint64_t in_100ms = gateway.server->max_segments_in_window(milliseconds(100));
    std::printf(
        "%-7s %6d %9llu %7.1f (%4.1f%%) %17llu %15llu %9llu %9llu/%llu\n", gateway.name.c_str(),
        gateway.limit, static_cast<unsigned long long>(gateway.server->accepted_segments()),
        steady / steady_seconds, 100.0 * steady / steady_seconds / gateway.limit,
        static_cast<unsigned long long>(fixed), static_cast<unsigned long long>(sliding),
        static_cast<unsigned long long>(gateway.server->rejected()),
        static_cast<unsigned long long>(in_10ms), static_cast<unsigned long long>(in_100ms));
  }
  const double steady_rate = static_cast<double>(steady_total) / steady_seconds;
  std::printf(
      "aggregate over the blast (first to last accepted): %.1f segments/s = %.2f%% of %d "
      "(target >= 98%%)\n",
      blast_rate, 100.0 * blast_rate / configured, configured);
  std::printf(
      "aggregate over the steady part (first and last second left out): %.1f segments/s "
      "= %.2f%% of %d\n",
      steady_rate, 100.0 * steady_rate / configured, configured);
  const bool rate_ok = blast_rate >= 0.98 * configured;
  std::printf(
      "targets: aggregate >= 98%%: %s; every server-side second within its limit: %s; "
      "every sliding second too: %s; 0 rejected: %s\n",
      rate_ok ? "met" : "MISSED", fixed_ok ? "met" : "MISSED", sliding_ok ? "met" : "MISSED",
      rejected == 0 ? "met" : "MISSED");
  const int64_t sent = blast.count(id, "sent");
  if (sent != static_cast<int64_t>(all.size())) {
    std::printf("note: the daemon recorded %lld sent, the servers accepted %zu\n",
                static_cast<long long>(sent), all.size());
  }
  return rate_ok && fixed_ok && sliding_ok && rejected == 0 ? 0 : 3;
}

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "gateway_rate_bench: %s\n", e.what());
    return 1;
  }
}
