// Issue 5, "Rate accuracy": three Twilio-shaped gateways limited at 50, 200 and 1,000
// segments/s (tests/support/twilio_server.h, which answers 429 past its limit and counts
// per one-second window on its own side), one real tocsind sending through all three at
// those rates, 20,000 members with a mobile. Targets: the aggregate is at least 98% of
// 1,250 segments/s, no gateway goes over its limit in any one-second window (the server's
// fixed seconds, and any sliding second of arrival times), 0 rejected (429).
//
//   gateway_rate_bench [MEMBERS=20000] [one|mixed]
//   gateway_rate_bench [MEMBERS=20000] latency [LATENCY_MS=300] [JITTER_MS=100]
//
// `one`: every text is one GSM-7 segment (accents folded). `mixed`: the English text (a
// seventh of the members) is two segments, and with accents kept the names with a ç
// (François, Françoise: an eighth) make their text UCS-2, two segments in French and four
// in English; gateways limit segments, not messages.
//
// `latency` (issue "Sending under real conditions"): the provider answers each request in
// LATENCY_MS ± JITTER_MS, as one across the internet does. One blast per configured rate
// (100, 500, 1,000 segments/s, one gateway each, 15 s of sending or MEMBERS, whichever is
// fewer), with max_concurrency = the rate times the slowest answer, plus a fifth (what a
// gateway needs to keep that rate: Little's law), and dispatch.max_in_flight twice that.
// Prints, per rate: achieved ÷ configured (target >= 0.98), duplicates counted by the
// server per number (target 0), and the most requests the server held at once.

#include <algorithm>
#include <chrono>
#include <cmath>
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

// One gateway at `rate`, its provider answering in latency ± jitter: achieved ÷ configured,
// duplicates, the concurrency used. True when the targets are met.
bool run_with_latency(size_t max_members, int rate, milliseconds latency, milliseconds jitter) {
  testing::TwilioServerOptions options;
  options.record_messages = true;
  auto server = std::make_unique<testing::TwilioServer>(options);
  server->set_latency(latency, jitter);
  const double slowest = static_cast<double>((latency + jitter).count()) / 1000.0;
  const int concurrency = static_cast<int>(std::ceil(rate * slowest * 1.2)) + 8;
  const size_t members = std::min<size_t>(max_members, static_cast<size_t>(rate) * 15);
  Limited gateway{"tw" + std::to_string(rate), rate, std::move(server)};
  std::string config = twilio_gateway_config(gateway);
  config.insert(config.find(" twilio {"), " max_concurrency: " + std::to_string(concurrency));
  const std::string extra =
      "dispatch { max_in_flight: " + std::to_string(2 * concurrency) + " }\n";

  bench::AlertBlast blast(config, extra, members);
  const std::string id = blast.create(bench::sms_alert_json(kShortFrench, kShortEnglish, true));
  blast.send(id);
  blast.wait_until_sent(id, std::chrono::seconds(600));

  const auto messages = gateway.server->messages();
  if (messages.size() < 100) throw std::runtime_error("fewer than 100 messages arrived");
  // The steady part: the first and last 5% of the messages left out (the bucket's first
  // burst, the tail).
  const size_t first = messages.size() / 20;
  const size_t last = messages.size() - messages.size() / 20;
  const double achieved =
      static_cast<double>(last - first) / seconds(messages[last].arrived - messages[first].arrived);
  const double ratio = achieved / rate;
  const uint64_t duplicates = gateway.server->duplicates();
  const uint64_t sliding = gateway.server->max_segments_in_window(milliseconds(1000));
  std::printf("%6d %8zu %11.1f %7.3f %10llu %12d %13zu %15llu\n", rate, messages.size(), achieved,
              ratio, static_cast<unsigned long long>(duplicates), concurrency,
              gateway.server->max_requests_waiting(), static_cast<unsigned long long>(sliding));
  return ratio >= 0.98 && duplicates == 0 && sliding <= static_cast<uint64_t>(rate);
}

int run_latency(size_t members, milliseconds latency, milliseconds jitter) {
  std::printf("provider latency %lld ms +- %lld ms; up to %zu members per run\n",
              static_cast<long long>(latency.count()), static_cast<long long>(jitter.count()),
              members);
  std::printf("%6s %8s %11s %7s %10s %12s %13s %15s\n", "rate", "messages", "achieved/s",
              "ratio", "duplicates", "concurrency", "max in flight", "max sliding 1 s");
  bool ok = true;
  for (int rate : {100, 500, 1000}) ok = run_with_latency(members, rate, latency, jitter) && ok;
  std::printf("targets: ratio >= 0.98, 0 duplicates, no sliding second over the rate: %s\n",
              ok ? "met" : "MISSED");
  return ok ? 0 : 3;
}

}  // namespace

int run(int argc, char** argv) {
  const size_t members = argc > 1 ? std::stoul(argv[1]) : 20000;
  const std::string mix = argc > 2 ? argv[2] : "one";
  if (mix == "latency") {
    return run_latency(members, milliseconds(argc > 3 ? std::stoi(argv[3]) : 300),
                       milliseconds(argc > 4 ? std::stoi(argv[4]) : 100));
  }
  if (mix != "one" && mix != "mixed") throw std::runtime_error("texts: one, mixed or latency");

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
  // Where the blast loses against its steady part: the first and the last second.
  uint64_t first_second = 0;
  uint64_t last_second = 0;
  for (const Arrival& a : all) {
    if (a.at < steady_from) first_second += static_cast<uint64_t>(a.segments);
    if (a.at >= steady_to) last_second += static_cast<uint64_t>(a.segments);
  }
  std::printf("first second: %llu segments, last second: %llu (of %d a second)\n",
              static_cast<unsigned long long>(first_second),
              static_cast<unsigned long long>(last_second), configured);
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
