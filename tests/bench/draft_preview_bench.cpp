// The officers' console's draft preview (POST /v1/alerts:draft-preview) under the issue's
// load: 20 requests/s while a 150,000-member blast runs, target p99 under 100 ms. On a real
// redis-server and tocsind, a synthetic roster imported, four phases of SECONDS each, open
// loop at RATE requests/s, each request on its own connection as officers' phones would
// send them (latency counts from when a request was due):
//   idle,  typing:        the audience stays "all", the SMS text changes every request (what
//                         an officer typing does: the audience's measure is reused); the
//                         first request, which counts the audience, is timed apart
//   idle,  new audience:  every request a different audience of every member (the measure
//                         is never reused: the worst case, a full count of the roster), one
//                         at a time as the console sends them (the next once one is
//                         answered): the time an officer waits for a new audience's counts
//   blast, typing / blast, new audience: the same while an alert to every member is sent
//                         through a file gateway as fast as the machine allows (a new blast
//                         is started whenever the previous one ends)
// It prints p50, p99 and max per phase, and the blast phases' p99 against the idle ones'.
//
//   draft_preview_bench [MEMBERS=150000] [SECONDS=15] [RATE=20] [GATEWAY_RATE=1000000]

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "tests/bench/alert_blast.h"
#include "tests/support/http_client.h"

namespace {

using namespace tocsin;
using Clock = std::chrono::steady_clock;

struct PhaseResult {
  std::string name;
  std::vector<double> latencies_ms;
  // (seconds into the phase the request was due, its latency): where the slow ones fall
  std::vector<std::pair<double, double>> when_ms;
  int errors = 0;
  double first_ms = 0;  // typing: the untimed first request, which counts the audience
  bool blast_running_at_end = false;
  std::string blast_error;  // why keeping the blast going failed, if it did
};

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const size_t index = std::min(values.size() - 1, static_cast<size_t>(p * values.size()));
  return values[index];
}

// The last `lines` lines of `text`.
std::string tail(const std::string& text, int lines) {
  size_t at = text.size();
  while (lines-- > 0 && at > 0) {
    at = text.rfind('\n', at - 1);
    if (at == std::string::npos) return text;
  }
  return text.substr(at);
}

std::string draft_json(const std::string& audience, int n) {
  // A text that changes with every request, as while typing; é keeps it GSM-7.
  const std::string sms = "{first_name}, assemblée d'urgence ce soir " + std::to_string(n) +
                          " h, {place}. OUI {code} ou {rsvp_link}";
  return R"({"kind":"EMERGENCY_ASSEMBLY","title":"Assemblée",)"
         R"("eventTime":"2030-06-06T19:00:00-04:00","expiresAt":"2030-06-06T18:00:00-04:00",)"
         R"("place":"Sherbrooke","audience":")" +
         audience + R"(","channels":"SMS","messages":{"fr":{"sms":")" + sms +
         R"("},"en":{"sms":"Emergency assembly tonight. YES {code}"}}})";
}

class Blaster {
 public:
  explicit Blaster(bench::AlertBlast& blast) : blast_(blast) {}
  // Starts a blast unless one is sending.
  void keep_sending() {
    if (!current_.empty() && state() == "SENDING") return;
    current_ = blast_.create(bench::sms_alert_json("{first_name}, assemblée {code}",
                                                   "{first_name}, assembly {code}", true));
    blast_.send(current_);
    ++started_;
  }
  bool sending() { return !current_.empty() && state() == "SENDING"; }
  int started() const { return started_; }

 private:
  std::string state() {
    auto response = testing::http_get(blast_.daemon().base_url() + "/v1/alerts/" + current_,
                                      {"Authorization: Bearer " + blast_.admin_token()});
    const auto at = response.body.find("\"state\":\"");
    if (at == std::string::npos) return "";
    const auto start = at + 9;
    return response.body.substr(start, response.body.find('"', start) - start);
  }

  bench::AlertBlast& blast_;
  std::string current_;
  int started_ = 0;
};

PhaseResult run_phase(const std::string& name, bench::AlertBlast& blast, Blaster* blaster,
                      int seconds, int rate, bool new_audience, int& request_number) {
  PhaseResult result{.name = name};
  const std::string url = blast.daemon().base_url() + "/v1/alerts:draft-preview";
  const std::vector<std::string> headers = {"Authorization: Bearer " + blast.admin_token(),
                                            "Content-Type: application/json"};
  if (!new_audience) {
    // The officer's first keystroke counts the audience; the phase measures the typing after.
    const Clock::time_point first = Clock::now();
    testing::http_request("POST", url, draft_json("all", ++request_number), headers);
    result.first_ms = std::chrono::duration<double, std::milli>(Clock::now() - first).count();
  }
  const auto period = std::chrono::microseconds(1'000'000 / rate);
  const int requests = seconds * rate;
  const Clock::time_point start = Clock::now();
  // Open loop, as officers at their phones: each request leaves when due on its own
  // connection, whether or not the ones before it have been answered, so a slow answer
  // delays only itself. The blast is kept going from a thread of its own.
  std::mutex mutex;
  std::atomic<bool> phase_over{false};
  std::thread keeper;
  if (blaster) {
    keeper = std::thread([&] {
      try {
        while (!phase_over) {
          blaster->keep_sending();
          std::this_thread::sleep_for(std::chrono::seconds(1));
        }
      } catch (const std::exception& e) {
        std::lock_guard lock(mutex);
        result.blast_error = e.what();
      }
    });
  }
  std::vector<std::thread> senders;
  const auto send = [&](Clock::time_point due, int n) {
    // A tag no member has makes every audience new to the daemon, and still everyone.
    const std::string audience =
        new_audience ? "all AND NOT tag:bench-" + std::to_string(n) : std::string("all");
    const auto response = testing::http_request("POST", url, draft_json(audience, n), headers);
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - due).count();
    std::lock_guard lock(mutex);
    if (response.status != 200) {
      ++result.errors;
    } else {
      result.latencies_ms.push_back(ms);
      result.when_ms.emplace_back(std::chrono::duration<double>(due - start).count(), ms);
    }
  };
  if (new_audience) {
    // One officer trying audience after audience: the console keeps one request in flight
    // and sends the newest draft when it is answered.
    while (Clock::now() < start + std::chrono::seconds(seconds))
      send(Clock::now(), ++request_number);
  } else {
    senders.reserve(requests);
    for (int i = 0; i < requests; ++i) {
      const Clock::time_point due = start + i * period;
      const int n = ++request_number;
      senders.emplace_back([&, due, n] {
        std::this_thread::sleep_until(due);
        send(due, n);
      });
    }
  }
  for (std::thread& sender : senders) sender.join();
  phase_over = true;
  if (keeper.joinable()) keeper.join();
  if (blaster) result.blast_running_at_end = blaster->sending();
  return result;
}

}  // namespace

int main(int argc, char** argv) {
  const size_t members = argc > 1 ? std::stoul(argv[1]) : 150000;
  const int seconds = argc > 2 ? std::stoi(argv[2]) : 15;
  const int rate = argc > 3 ? std::stoi(argv[3]) : 20;
  const std::string gateway_rate = argc > 4 ? argv[4] : "1000000";

  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  std::printf("draft preview: %zu members, %d requests/s, %d s per phase\n", members, rate,
              seconds);
  bench::AlertBlast blast("gateways { name: \"sms-null\" rate_per_second: " + gateway_rate +
                              " max_concurrency: 1000 file { channel: \"sms\" path: "
                              "\"/dev/null\" } }\n",
                          "", members);
  Blaster blaster(blast);
  int request_number = 0;
  std::vector<PhaseResult> results;
  results.push_back(
      run_phase("idle, typing", blast, nullptr, seconds, rate, false, request_number));
  results.push_back(
      run_phase("idle, new audience", blast, nullptr, seconds, rate, true, request_number));
  results.push_back(
      run_phase("blast, typing", blast, &blaster, seconds, rate, false, request_number));
  results.push_back(
      run_phase("blast, new audience", blast, &blaster, seconds, rate, true, request_number));

  std::printf("%-22s %8s %8s %9s %9s %9s %7s\n", "phase", "answered", "errors", "p50 ms", "p99 ms",
              "max ms", "blast");
  for (const PhaseResult& phase : results) {
    std::printf(
        "%-22s %8zu %8d %9.1f %9.1f %9.1f %7s\n", phase.name.c_str(), phase.latencies_ms.size(),
        phase.errors, percentile(phase.latencies_ms, 0.50), percentile(phase.latencies_ms, 0.99),
        percentile(phase.latencies_ms, 1.0),
        phase.name.starts_with("blast") ? (phase.blast_running_at_end ? "on" : "ended") : "-");
  }
  for (PhaseResult& phase : results) {
    if (phase.name.find("typing") == std::string::npos) continue;
    std::sort(phase.when_ms.begin(), phase.when_ms.end(),
              [](const auto& a, const auto& b) { return a.second > b.second; });
    std::printf("%s, the slowest:", phase.name.c_str());
    for (size_t i = 0; i < std::min<size_t>(5, phase.when_ms.size()); ++i) {
      std::printf(" %.0f ms at %.1f s", phase.when_ms[i].second, phase.when_ms[i].first);
    }
    std::printf("\n");
  }
  for (const PhaseResult& phase : results) {
    if (phase.blast_error.empty()) continue;
    std::printf("%s: the blast failed: %s\nthe daemon's last log lines:\n%s\n", phase.name.c_str(),
                phase.blast_error.c_str(),
                tail(blast.daemon().process().stderr_text(), 20).c_str());
  }
  std::printf("first count of the audience before typing: idle %.0f ms, during the blast %.0f ms\n",
              results[0].first_ms, results[2].first_ms);
  std::printf("blasts started: %d\n", blaster.started());
  const double typing_ratio = percentile(results[2].latencies_ms, 0.99) /
                              std::max(0.001, percentile(results[0].latencies_ms, 0.99));
  const double new_ratio = percentile(results[3].latencies_ms, 0.99) /
                           std::max(0.001, percentile(results[1].latencies_ms, 0.99));
  std::printf("p99 during a blast / idle: typing %.2f, new audience %.2f\n", typing_ratio,
              new_ratio);
  // The blast's first seconds hold its longest scripts (freezing the audience, the first
  // targeting slices: tens of ms each at 150,000); apart, what typing meets once it runs.
  std::vector<double> steady;
  for (const auto& [at, ms] : results[2].when_ms) {
    if (at >= 2.0) steady.push_back(ms);
  }
  std::printf("blast, typing after the blast's first 2 s: p50 %.1f ms, p99 %.1f ms, max %.1f ms\n",
              percentile(steady, 0.50), percentile(steady, 0.99), percentile(steady, 1.0));
  std::printf("target: p99 under 100 ms while a blast runs (typing): %s\n",
              percentile(results[2].latencies_ms, 0.99) < 100 ? "met" : "MISSED");
  return 0;
}
