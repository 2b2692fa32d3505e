// Issue 6's speed targets for replies, on a real redis-server and tocsind: through the
// Twilio inbound webhook on loopback,
//   - at least 5,000 replies/s sustained, with correct counts at the end;
//   - p99 webhook latency under 50 ms at 2,000 replies/s.
// Setup: MEMBERS members imported, one SMS alert sent to all of them through a
// Twilio-shaped server (tests/support/twilio_server.h); members then answer from the
// numbers the alert went to (alert:{id}:to), with signed requests prepared beforehand
// (tests/bench/http_load.h sends them over keep-alive connections).
//   Phase A: every member answers, then every member changes their answer (2 x MEMBERS
//     replies), as fast as the daemon takes them: the webhook's accept rate, and the rate
//     until every reply is read and applied (q:replies empty, tocsin_replies_read_total
//     up by the number sent). Then the tally must equal a recount of the stored RSVPs,
//     each member must have exactly one RSVP, and the yes/no/maybe counts must be those
//     of the members' last answers.
//   Phase B: replies at 2,000/s (open loop) for 10 s: p50, p99 and max webhook latency.
// Side by side in the same run (machines are noisy): the same client against /healthz,
// a route that does no Redis work, closed loop and at the same pace.
// Each reply is confirmed to the member by SMS through the gateway (at most 3 an hour per
// number), as in production: that work runs in the daemon during the measurements.
//
// To see where the time goes, it prints the CPU each process used per reply (beside the
// CPU per /healthz request: the HTTP part alone) and Redis's own time per command (INFO
// commandstats; the commands scripts call are counted too). With `quiet`, every number has
// already had its automatic answers for the hour (replies/reply_keys.h auto_answers), so no
// confirmation goes out: the ingest alone.
//
//   reply_ingest_bench [MEMBERS=25000] [CONNECTIONS=16] [GATEWAY_RATE=2000] [quiet]

#include <curl/curl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iterator>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "adapters/twilio/twilio_signature.h"
#include "http/json.h"
#include "proto/tocsin.pb.h"
#include "replies/reply_keys.h"
#include "tests/bench/http_load.h"
#include "tests/bench/process_cpu.h"
#include "tests/bench/redis_time.h"
#include "tests/support/daemon_process.h"
#include "tests/support/http_client.h"
#include "tests/support/metrics_page.h"
#include "tests/support/redis_server.h"
#include "tests/support/redis_sync.h"
#include "tests/support/synthetic_roster.h"
#include "tests/support/twilio_server.h"
#include "turnout/rsvp_record.h"

namespace {

using namespace tocsin;
using Clock = std::chrono::steady_clock;

constexpr double kTargetRate = 5000;  // replies/s
constexpr double kPacedRate = 2000;   // replies/s
constexpr double kTargetP99Ms = 50;
constexpr double kPacedSeconds = 10;
constexpr size_t kPacedConnections = 64;  // spare connections: an open loop must not queue

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// A reply and what the reader makes of it (checked by the tally at the end).
struct Answer {
  const char* text;
  const char* answer;
  int bus = 0;
  int car = 0;
  int party = 0;
};
const Answer kAnswers[] = {
    {"oui", "yes"},
    {"NON", "no"},
    {"peut-être", "maybe"},
    {"Oui BUS", "yes", 1},
    {"OUI AUTO 3", "yes", 0, 3},
    {"Oui, nous serons 3", "yes", 0, 0, 3},
    {"Non merci", "no"},
    {"YES", "yes"},
};
constexpr size_t kAnswerCount = std::size(kAnswers);

std::string escaped(const std::string& text) {
  std::unique_ptr<char, decltype(&curl_free)> out(
      curl_easy_escape(nullptr, text.data(), static_cast<int>(text.size())), &curl_free);
  return out.get();
}

// CPU seconds (user + system) used so far by tocsind, redis-server and this process
// (the load client and the Twilio-shaped server's thread).
struct CpuTimes {
  double daemon = 0;
  double redis = 0;
  double bench = 0;

  CpuTimes operator-(const CpuTimes& o) const {
    return {daemon - o.daemon, redis - o.redis, bench - o.bench};
  }
  CpuTimes operator/(double n) const { return {daemon / n, redis / n, bench / n}; }
};

class Bench {
 public:
  Bench(size_t members, int gateway_rate) : members_(members) {
    testing::TwilioServerOptions twilio_options;
    twilio_options.record_messages = false;
    twilio_ = std::make_unique<testing::TwilioServer>(twilio_options);
    daemon_ = std::make_unique<testing::DaemonProcess>(testing::DaemonProcess::Options{
        .redis_url = redis_server_.url(),
        // All load comes from 127.0.0.1, as through a reverse proxy: no per-address cap.
        .http_fields = "max_connections_per_client: 1024",
        .extra_config = "gateways { name: \"tw\" rate_per_second: " + std::to_string(gateway_rate) +
                        " max_concurrency: 64 twilio { base_url: \"" + twilio_->base_url() +
                        "\" account_sid: \"" + twilio_->account_sid() +
                        "\" auth_token { inline: \"" + twilio_->auth_token() +
                        "\" } from: \"+15145550100\" } }\n"
                        "alerts { approval_threshold: 10000000 }\n"});
    admin_ = daemon_->bootstrap_admin("bench");
    redis_ = std::make_unique<testing::RedisSync>(redis_server_.port());
    hook_url_ = daemon_->base_url() + "/hooks/twilio/tw/inbound";
    redis_pid_ = bench::child_named("redis-server");
    if (redis_pid_ < 0) throw std::runtime_error("redis-server is not our child");
  }

  // Imports the roster, sends the alert to everyone and waits until it is sent; the
  // numbers it went to, in a fixed order.
  void send_alert() {
    testing::RosterOptions roster;
    roster.members = members_;
    roster.seed = 6;
    roster.shared_phone_every = 0;  // one number per member
    memory_start_ = used_memory();
    auto imported =
        testing::http_request("POST", daemon_->base_url() + "/v1/members:import",
                              testing::make_roster_csv(roster), {auth(), "Content-Type: text/csv"});
    if (imported.status != 200) throw std::runtime_error("import failed: " + imported.body);
    memory_roster_ = used_memory();
    const std::string alert =
        R"({"kind":"EMERGENCY_ASSEMBLY","title":"Replies","eventTime":"2030-06-06T07:00:00-04:00",)"
        R"("expiresAt":"2030-06-06T06:00:00-04:00","place":"Parc","audience":"all",)"
        R"("channels":"SMS","messages":{"fr":{"sms":"{first_name}, assemblée. OUI {code} ou )"
        R"(NON {code}, BUS si besoin."},"en":{"sms":"{first_name}, assembly. YES {code} or NO )"
        R"({code}, BUS if needed."}}})";
    auto created =
        testing::http_request("POST", daemon_->base_url() + "/v1/alerts", alert, {auth()});
    if (created.status != 201) throw std::runtime_error("create failed: " + created.body);
    AlertResponse response;
    std::string error;
    if (!http::from_json(created.body, &response, &error)) throw std::runtime_error(error);
    alert_id_ = response.alert().id();
    const auto start = Clock::now();
    auto sent = testing::http_request(
        "POST", daemon_->base_url() + "/v1/alerts/" + alert_id_ + ":send", "", {auth()});
    if (sent.status != 202) throw std::runtime_error("send failed: " + sent.body);
    while (redis_->text({"HGET", key(""), "state"}) != "sent") {
      if (seconds_since(start) > 600) throw std::runtime_error("the alert was not sent");
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    const auto to = redis_->command({"HGETALL", key(":to")});
    for (size_t i = 0; i + 1 < to.elements.size(); i += 2) numbers_.push_back(to.elements[i].str);
    memory_alert_ = used_memory();
    std::printf("setup: %zu members imported, alert sent to %zu numbers in %.1f s\n", members_,
                numbers_.size(), seconds_since(start));
    if (numbers_.size() != members_) throw std::runtime_error("not every member got the alert");
  }

  // Every member answers with `answer_of(i)`: signed webhook calls, prepared.
  template <class AnswerOf>
  std::vector<bench::PreparedRequest> replies(size_t count, AnswerOf answer_of) {
    std::vector<bench::PreparedRequest> requests;
    requests.reserve(count);
    for (size_t i = 0; i < count; ++i) {
      const Answer& answer = kAnswers[answer_of(i)];
      const adapters::twilio::FormParams params = {{"MessageSid", "SM" + std::to_string(++sids_)},
                                                   {"AccountSid", twilio_->account_sid()},
                                                   {"From", numbers_[i]},
                                                   {"To", "+15145550100"},
                                                   {"Body", answer.text},
                                                   {"NumSegments", "1"}};
      std::string body;
      for (const auto& [name, value] : params) {
        body += (body.empty() ? "" : "&") + escaped(name) + "=" + escaped(value);
      }
      requests.emplace_back(
          "POST", hook_url_, std::move(body),
          std::vector<std::string>{
              "Content-Type: application/x-www-form-urlencoded",
              "X-Twilio-Signature: " +
                  adapters::twilio::twilio_signature(twilio_->auth_token(), hook_url_, params)});
      last_answer_[numbers_[i]] = &answer;
    }
    return requests;
  }

  std::vector<bench::PreparedRequest> health_checks(size_t count) const {
    std::vector<bench::PreparedRequest> requests;
    requests.reserve(count);
    for (size_t i = 0; i < count; ++i) {
      requests.emplace_back("GET", daemon_->base_url() + "/healthz", "",
                            std::vector<std::string>{});
    }
    return requests;
  }

  // Waits until q:replies is empty and the worker has read `total` replies since the
  // daemon started; the time it took from `start`.
  double wait_until_processed(uint64_t total, Clock::time_point start) {
    while (true) {
      if (redis_->integer({"XLEN", "q:replies"}) == 0 &&
          metric("tocsin_replies_read_total") >= total) {
        return seconds_since(start);
      }
      if (seconds_since(start) > 600) throw std::runtime_error("the replies were not all read");
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }

  uint64_t metric(const std::string& name) {
    return static_cast<uint64_t>(
        testing::metric_in(testing::http_get(daemon_->base_url() + "/metrics").body, name)
            .value_or(0));
  }

  CpuTimes cpu() {
    return {bench::cpu_seconds(daemon_->process().pid()), bench::cpu_seconds(redis_pid_),
            bench::own_cpu_seconds()};
  }

  // The counts the members' last answers make, the tally against a recount and against
  // them, and one RSVP per member who answered. Prints each check; false if any fails.
  bool check_counts() {
    std::map<std::string, int64_t> tally;
    const auto fields = redis_->command({"HGETALL", key(":tally")});
    for (size_t i = 0; i + 1 < fields.elements.size(); i += 2) {
      tally[fields.elements[i].str] = std::stoll(fields.elements[i + 1].str);
    }
    std::vector<std::string> stored;
    for (const auto& value : redis_->command({"HVALS", key(":rsvp")}).elements) {
      stored.push_back(value.str);
    }
    size_t unreadable = 0;
    const auto recounted = replies::recount(stored, &unreadable);

    std::map<std::string, int64_t> expected;
    for (const auto& [number, answer] : last_answer_) {
      ++expected[std::string("all|") + answer->answer];
      if (std::string(answer->answer) == "yes") {
        expected["all|coming"] += answer->party > 0 ? answer->party : 1;
        expected["all|bus"] += answer->bus;
        expected["all|car"] += answer->car;
      }
    }
    bool ok = true;
    auto report = [&ok](bool passed, const std::string& what) {
      std::printf("  check: %s: %s\n", what.c_str(), passed ? "ok" : "FAILED");
      ok = ok && passed;
    };
    report(unreadable == 0 && tally == recounted,
           "tally (" + std::to_string(tally.size()) + " fields) equals a recount of the " +
               std::to_string(stored.size()) + " stored RSVPs");
    report(stored.size() == last_answer_.size(),
           "members with an RSVP: " + std::to_string(stored.size()) + ", expected " +
               std::to_string(last_answer_.size()));
    const int64_t unknown = redis_->integer({"HLEN", key(":unknown")});
    report(unknown == 0, "replies left unknown: " + std::to_string(unknown));
    std::string counts;
    bool same = true;
    for (const auto& [field, n] : expected) {
      // Tally fields are region-first ("estrie|all|yes"): the alert's count is their sum.
      int64_t got = 0;
      for (const auto& [name, value] : tally) {
        if (name.size() > field.size() && name.ends_with("|" + field) &&
            name.find('|') == name.size() - field.size() - 1) {
          got += value;
        }
      }
      counts += " " + field + "=" + std::to_string(got);
      if (got != n) {
        counts += "(expected " + std::to_string(n) + ")";
        same = false;
      }
    }
    report(same, "counts of the last answers:" + counts);
    return ok;
  }

  // Waits until every confirmation handed to the gateway has reached the Twilio server.
  double wait_for_confirmations() {
    const auto start = Clock::now();
    const uint64_t answered = metric("tocsin_replies_answered_total");
    while (twilio_->accepted() < members_ + answered) {
      if (seconds_since(start) > 300) throw std::runtime_error("confirmations did not all go out");
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return seconds_since(start);
  }

  std::map<std::string, std::pair<double, double>> redis_commands() {
    return bench::command_stats(redis_->text({"INFO", "commandstats"}));
  }

  // Every number has had its 3 automatic answers this hour: no confirmation goes out.
  void use_up_automatic_answers() {
    for (const std::string& number : numbers_) {
      redis_->command({"SET", replies::keys::auto_answers(number), "3", "EX", "3600"});
    }
  }

  size_t members() const { return members_; }

 private:
  std::string auth() const { return "Authorization: Bearer " + admin_; }
  std::string key(const std::string& suffix) const { return "alert:{" + alert_id_ + "}" + suffix; }

  const size_t members_;
  testing::RedisServer redis_server_;
  std::unique_ptr<testing::TwilioServer> twilio_;
  std::unique_ptr<testing::DaemonProcess> daemon_;
  std::unique_ptr<testing::RedisSync> redis_;

 public:
  // Redis's memory (INFO memory used_memory), in bytes.
  int64_t used_memory() {
    const std::string info = redis_->text({"INFO", "memory"});
    const auto at = info.find("used_memory:");
    return at == std::string::npos ? -1 : std::stoll(info.substr(at + 12));
  }

  // What the roster, the alert and the replies cost Redis: for the README's sizing.
  void print_memory(size_t replies) {
    const int64_t now = used_memory();
    const double member = static_cast<double>(memory_roster_ - memory_start_) / members_;
    const double reached = static_cast<double>(memory_alert_ - memory_roster_) / members_;
    const double reply = static_cast<double>(now - memory_alert_) / replies;
    std::printf(
        "memory (used_memory): %.0f bytes per member of the roster (%.2f million per "
        "GB); %.0f bytes per member an alert reached (%.2f million per GB); %.0f bytes "
        "per reply, with its week-long repeat guard (%.2f million per GB)\n",
        member, 1e3 / member, reached, 1e3 / reached, reply, 1e3 / reply);
  }

 private:
  int64_t memory_start_ = 0;
  int64_t memory_roster_ = 0;
  int64_t memory_alert_ = 0;
  std::string admin_;
  pid_t redis_pid_ = -1;
  std::string hook_url_;
  std::string alert_id_;
  std::vector<std::string> numbers_;
  uint64_t sids_ = 0;
  std::map<std::string, const Answer*> last_answer_;  // by number
};

void print_latencies(const bench::LoadResult& result) {
  std::printf("p50 %.2f ms, p99 %.2f ms, max %.2f ms", result.latency_ms(0.5),
              result.latency_ms(0.99), result.latency_ms(1));
}

}  // namespace

int run(int argc, char** argv) {
  const size_t members = argc > 1 ? std::stoul(argv[1]) : 25000;
  const size_t connections = argc > 2 ? std::stoul(argv[2]) : 16;
  const int gateway_rate = argc > 3 ? std::stoi(argv[3]) : 2000;
  const bool quiet = argc > 4 && std::string(argv[4]) == "quiet";
  Bench bench(members, gateway_rate);
  bench.send_alert();
  if (quiet) bench.use_up_automatic_answers();
  bool ok = true;

  // --- phase A: as fast as the daemon takes them ----------------------------------------
  auto first = bench.replies(members, [](size_t i) { return i % kAnswerCount; });
  auto second = bench.replies(members, [](size_t i) { return (3 * i + 1) % kAnswerCount; });
  const size_t total = first.size() + second.size();
  const CpuTimes cpu_baseline = bench.cpu();
  const auto baseline = bench::send_all(bench.health_checks(total), connections);
  const CpuTimes per_check = (bench.cpu() - cpu_baseline) / static_cast<double>(total);
  std::printf(
      "baseline: GET /healthz (no Redis work), closed loop, %zu connections: %zu in "
      "%.2f s = %.0f requests/s; p50 %.2f ms, p99 %.2f ms; %s; CPU per request: "
      "tocsind %.0f us, this process %.0f us\n",
      connections, baseline.requests, baseline.seconds, baseline.per_second(),
      baseline.latency_ms(0.5), baseline.latency_ms(0.99), baseline.status_summary().c_str(),
      per_check.daemon * 1e6, per_check.bench * 1e6);

  const CpuTimes cpu_before = bench.cpu();
  const auto commands_before = bench.redis_commands();
  const auto start = Clock::now();
  // Each member's second answer is sent once every first answer is stored (answered), so
  // the last answer of each member is known.
  const auto accepted_first = bench::send_all(first, connections);
  const auto accepted_second = bench::send_all(second, connections);
  const double accept_seconds = seconds_since(start);
  const double processed_seconds = bench.wait_until_processed(total, start);
  const CpuTimes per_reply = (bench.cpu() - cpu_before) / static_cast<double>(total);
  const auto commands_after = bench.redis_commands();
  const size_t accepted = accepted_first.count(200) + accepted_second.count(200);
  const double accept_rate = total / accept_seconds;
  const double processed_rate = total / processed_seconds;
  std::printf(
      "phase A: %zu replies (each member answers, then changes the answer), closed "
      "loop, %zu connections%s:\n",
      total, connections, quiet ? ", no confirmations (quiet)" : "");
  std::printf(
      "  webhook accepted %zu (%s / %s) in %.2f s = %.0f replies/s (target >= %.0f: "
      "%.2fx; %.0f%% of the /healthz baseline); first answers p50 %.2f ms, p99 %.2f ms\n",
      accepted, accepted_first.status_summary().c_str(), accepted_second.status_summary().c_str(),
      accept_seconds, accept_rate, kTargetRate, accept_rate / kTargetRate,
      100 * accept_rate / baseline.per_second(), accepted_first.latency_ms(0.5),
      accepted_first.latency_ms(0.99));
  std::printf(
      "  read and applied end to end (q:replies empty, %zu read) in %.2f s = %.0f "
      "replies/s (target >= %.0f: %.2fx)\n",
      total, processed_seconds, processed_rate, kTargetRate, processed_rate / kTargetRate);
  std::printf(
      "  CPU per reply: tocsind %.0f us, redis-server %.0f us, this process (client and "
      "Twilio-shaped server) %.0f us; %.2f cores busy of %ld\n",
      per_reply.daemon * 1e6, per_reply.redis * 1e6, per_reply.bench * 1e6,
      (per_reply.daemon + per_reply.redis + per_reply.bench) * total / processed_seconds,
      sysconf(_SC_NPROCESSORS_ONLN));
  bench::print_redis_time(commands_before, commands_after, total);
  bench.print_memory(total);
  ok = bench.check_counts() && ok && accepted == total;
  ok = ok && accept_rate >= kTargetRate && processed_rate >= kTargetRate;
  if (!quiet) {
    std::printf("  confirmations: all out to the Twilio-shaped server %.1f s later\n",
                bench.wait_for_confirmations());
  }

  // --- phase B: a steady 2,000 replies/s -------------------------------------------------
  const size_t paced = static_cast<size_t>(kPacedRate * kPacedSeconds);
  auto third = bench.replies(std::min(paced, bench.members()),
                             [](size_t i) { return (i + 5) % kAnswerCount; });
  const auto paced_baseline =
      bench::send_all(bench.health_checks(third.size()), kPacedConnections, kPacedRate);
  std::printf("baseline: GET /healthz at %.0f/s (open loop) for %.0f s, %zu connections: ",
              kPacedRate, third.size() / kPacedRate, kPacedConnections);
  print_latencies(paced_baseline);
  std::printf("; %s\n", paced_baseline.status_summary().c_str());

  const auto start_b = Clock::now();
  const auto paced_replies = bench::send_all(third, kPacedConnections, kPacedRate);
  const double processed_b = bench.wait_until_processed(total + third.size(), start_b);
  const double p99 = paced_replies.latency_ms(0.99);
  std::printf(
      "phase B: %zu replies at %.0f/s (open loop, latency from when each was due), %zu "
      "connections: ",
      third.size(), kPacedRate, kPacedConnections);
  print_latencies(paced_replies);
  std::printf(
      "; %s\n  p99 target < %.0f ms: %.2fx the target; %.1fx the /healthz p99; all "
      "read and applied %.2f s after the first was due\n",
      paced_replies.status_summary().c_str(), kTargetP99Ms, p99 / kTargetP99Ms,
      p99 / paced_baseline.latency_ms(0.99), processed_b);
  ok = bench.check_counts() && ok && paced_replies.count(200) == third.size() && p99 < kTargetP99Ms;
  std::printf("%s\n", ok ? "all targets met, counts correct" : "NOT MET (see above)");
  return ok ? 0 : 2;
}

int main(int argc, char** argv) {
  curl_global_init(CURL_GLOBAL_DEFAULT);
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "reply_ingest_bench: %s\n", e.what());
    return 1;
  }
}
