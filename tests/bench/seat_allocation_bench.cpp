// Issue 18's speed target for bus seats, on a real redis-server and tocsind: through the
// Twilio inbound webhook on loopback, 5,000 bus replies/s sustained with seats allocated,
// against the same load with seats only counted, side by side in one run (ratios).
//
// Setup: MEMBERS members; two SMS alerts sent to all of them, each offering one pickup
// point "MTL": on alert A (allocation on) with buses for half the members (the rest are
// waitlisted), on alert B (allocation off) with a bus capacity only. Members quote the
// alert's code, so each reply goes to the alert under test.
// Rounds, alternating so the machine's noise falls on both:
//   1. off: every member answers "OUI BUS MTL B"
//   2. on:  every member answers "OUI BUS MTL A" (seated on the first buses, then waitlisted)
//   3. off: every member answers "NON B"
//   4. on:  every member answers "NON A" (each seated NON boards the next waiting member,
//           who is sent a seat notice: the promotion path under load)
// Each round is sent closed loop over CONNECTIONS keep-alive connections and timed until
// every reply is read and applied (q:replies empty). With `quiet` (default) every number has
// used its automatic answers for the hour, so the measure is the allocation, not the SMS
// confirmations; `loud` sends them (through a gateway capped at 2,000/s).
// At the end, the seat counts must equal a recount of the stored seats, and no seat or
// waiting place may be left (everyone said NON).
//
//   seat_allocation_bench [MEMBERS=20000] [CONNECTIONS=16] [quiet|loud]

#include <curl/curl.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "adapters/twilio/twilio_signature.h"
#include "http/json.h"
#include "proto/tocsin.pb.h"
#include "replies/reply_keys.h"
#include "seats/seat_record.h"
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

namespace {

using namespace tocsin;
using Clock = std::chrono::steady_clock;

constexpr double kTargetRate = 5000;  // replies/s
constexpr int kSeatsPerBus = 56;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string escaped(const std::string& text) {
  std::unique_ptr<char, decltype(&curl_free)> out(
      curl_easy_escape(nullptr, text.data(), static_cast<int>(text.size())), &curl_free);
  return out.get();
}

struct Sent {
  std::string id;
  std::string code;
};

class Bench {
 public:
  explicit Bench(size_t members) : members_(members) {
    testing::TwilioServerOptions twilio_options;
    twilio_options.record_messages = false;
    twilio_ = std::make_unique<testing::TwilioServer>(twilio_options);
    daemon_ = std::make_unique<testing::DaemonProcess>(testing::DaemonProcess::Options{
        .redis_url = redis_server_.url(),
        .http_fields = "max_connections_per_client: 1024",
        .extra_config = "gateways { name: \"tw\" rate_per_second: 2000 max_concurrency: 64 "
                        "twilio { base_url: \"" +
                        twilio_->base_url() + "\" account_sid: \"" + twilio_->account_sid() +
                        "\" auth_token { inline: \"" + twilio_->auth_token() +
                        "\" } from: \"+15145550100\" } }\n"
                        "alerts { approval_threshold: 10000000 }\n"});
    admin_ = daemon_->bootstrap_admin("bench");
    redis_ = std::make_unique<testing::RedisSync>(redis_server_.port());
    hook_url_ = daemon_->base_url() + "/hooks/twilio/tw/inbound";
    redis_pid_ = bench::child_named("redis-server");

    testing::RosterOptions roster;
    roster.members = members_;
    roster.seed = 18;
    roster.shared_phone_every = 0;
    auto imported =
        testing::http_request("POST", daemon_->base_url() + "/v1/members:import",
                              testing::make_roster_csv(roster), {auth(), "Content-Type: text/csv"});
    if (imported.status != 200) throw std::runtime_error("import failed: " + imported.body);
  }

  // Sends an SMS alert to everyone offering pickup point MTL (`pickup` its other JSON
  // fields) and waits until it is sent.
  Sent send_alert(const std::string& title, const std::string& pickup) {
    const std::string json =
        R"({"kind":"EMERGENCY_ASSEMBLY","title":")" + title +
        R"(","eventTime":"2030-06-06T07:00:00-04:00","expiresAt":"2030-06-06T06:00:00-04:00",)"
        R"("place":"Parc","audience":"all","channels":"SMS","messages":{"fr":{"sms":)"
        R"("{first_name}, assemblée. OUI {code} BUS MTL ou NON {code}."}},)"
        R"("pickupPoints":[{"id":"MTL","name":"Terminus Longueuil","region":"Montréal",)" +
        pickup + "}]}";
    auto created =
        testing::http_request("POST", daemon_->base_url() + "/v1/alerts", json, {auth()});
    if (created.status != 201) throw std::runtime_error("create failed: " + created.body);
    AlertResponse response;
    std::string error;
    if (!http::from_json(created.body, &response, &error)) throw std::runtime_error(error);
    Sent sent{response.alert().id(), response.alert().code()};
    auto started = testing::http_request(
        "POST", daemon_->base_url() + "/v1/alerts/" + sent.id + ":send", "", {auth()});
    if (started.status != 202) throw std::runtime_error("send failed: " + started.body);
    const auto start = Clock::now();
    while (redis_->text({"HGET", "alert:{" + sent.id + "}", "state"}) != "sent") {
      if (seconds_since(start) > 600) throw std::runtime_error("the alert was not sent");
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (numbers_.empty()) {
      const auto to = redis_->command({"HGETALL", "alert:{" + sent.id + "}:to"});
      for (size_t i = 0; i + 1 < to.elements.size(); i += 2) numbers_.push_back(to.elements[i].str);
    }
    std::printf("setup: alert %s (%s) sent to %zu numbers in %.1f s\n", sent.code.c_str(),
                title.c_str(), numbers_.size(), seconds_since(start));
    return sent;
  }

  // Every member texts `text`: signed webhook calls, prepared.
  std::vector<bench::PreparedRequest> replies(const std::string& text) {
    std::vector<bench::PreparedRequest> requests;
    requests.reserve(numbers_.size());
    for (const std::string& number : numbers_) {
      const adapters::twilio::FormParams params = {{"MessageSid", "SM" + std::to_string(++sids_)},
                                                   {"AccountSid", twilio_->account_sid()},
                                                   {"From", number},
                                                   {"To", "+15145550100"},
                                                   {"Body", text},
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
    }
    return requests;
  }

  struct Round {
    double accepted_per_second = 0;
    double applied_per_second = 0;
    double redis_us = 0;   // CPU of redis-server per reply
    double daemon_us = 0;  // CPU of tocsind per reply
    bool all_accepted = false;
    std::map<std::string, std::pair<double, double>> commands_before, commands_after;
    size_t replies = 0;
  };

  // Sends the replies and waits until each is read and applied.
  Round run(const std::vector<bench::PreparedRequest>& requests, size_t connections) {
    read_before_ += requests.size();
    const auto commands_before = bench::command_stats(redis_->text({"INFO", "commandstats"}));
    const double daemon_cpu = bench::cpu_seconds(daemon_->process().pid());
    const double redis_cpu = bench::cpu_seconds(redis_pid_);
    const auto start = Clock::now();
    const auto load = bench::send_all(requests, connections);
    const double accepted_seconds = seconds_since(start);
    while (redis_->integer({"XLEN", "q:replies"}) != 0 ||
           metric("tocsin_replies_read_total") < read_before_) {
      if (seconds_since(start) > 600) throw std::runtime_error("replies were not all applied");
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    const double applied_seconds = seconds_since(start);
    const double n = static_cast<double>(requests.size());
    return {n / accepted_seconds,
            n / applied_seconds,
            (bench::cpu_seconds(redis_pid_) - redis_cpu) / n * 1e6,
            (bench::cpu_seconds(daemon_->process().pid()) - daemon_cpu) / n * 1e6,
            load.count(200) == requests.size(),
            commands_before,
            bench::command_stats(redis_->text({"INFO", "commandstats"})),
            requests.size()};
  }

  uint64_t metric(const std::string& name) {
    return static_cast<uint64_t>(
        testing::metric_in(testing::http_get(daemon_->base_url() + "/metrics").body, name)
            .value_or(0));
  }

  void use_up_automatic_answers() {
    for (const std::string& number : numbers_) {
      redis_->command({"SET", replies::keys::auto_answers(number), "3", "EX", "3600"});
    }
  }

  int64_t hlen(const std::string& key) { return redis_->integer({"HLEN", key}); }

  // The seat counts of alert `id` against a recount of its stored seats.
  bool counts_equal_recount(const std::string& id) {
    const std::string base = "alert:{" + id + "}";
    auto pairs = [this](const std::string& key) {
      std::vector<std::pair<std::string, std::string>> out;
      const auto reply = redis_->command({"HGETALL", key});
      for (size_t i = 0; i + 1 < reply.elements.size(); i += 2) {
        out.emplace_back(reply.elements[i].str, reply.elements[i + 1].str);
      }
      return out;
    };
    std::map<std::string, std::string> places;
    for (auto& [member, place] : pairs(base + ":dims")) places[member] = place;
    size_t unreadable = 0;
    const auto recounted =
        seats::recount(pairs(base + ":seat"), pairs(base + ":waiting"), places, &unreadable);
    std::map<std::string, int64_t> day;
    for (auto& [field, value] : pairs(base + ":day")) {
      if (field.ends_with("|seated") || field.ends_with("|waitlisted"))
        day[field] = std::stoll(value);
    }
    return unreadable == 0 && day == recounted.day;
  }

  size_t members() const { return numbers_.size(); }

 private:
  std::string auth() const { return "Authorization: Bearer " + admin_; }

  const size_t members_;
  testing::RedisServer redis_server_;
  std::unique_ptr<testing::TwilioServer> twilio_;
  std::unique_ptr<testing::DaemonProcess> daemon_;
  std::unique_ptr<testing::RedisSync> redis_;
  std::string admin_;
  pid_t redis_pid_ = -1;
  std::string hook_url_;
  std::vector<std::string> numbers_;
  uint64_t sids_ = 0;
  uint64_t read_before_ = 0;
};

void print_round(const char* name, const Bench::Round& round) {
  std::printf(
      "  %-34s webhook %6.0f/s, applied %6.0f/s; CPU per reply: redis-server %4.0f us, "
      "tocsind %4.0f us%s\n",
      name, round.accepted_per_second, round.applied_per_second, round.redis_us, round.daemon_us,
      round.all_accepted ? "" : " (NOT ALL ACCEPTED)");
  bench::print_redis_time(round.commands_before, round.commands_after, round.replies);
}

}  // namespace

int run(int argc, char** argv) {
  const size_t members = argc > 1 ? std::stoul(argv[1]) : 20000;
  const size_t connections = argc > 2 ? std::stoul(argv[2]) : 16;
  const bool quiet = !(argc > 3 && std::string(argv[3]) == "loud");
  Bench bench(members);
  const int buses = static_cast<int>(members / 2 / kSeatsPerBus);
  const Sent on = bench.send_alert("Seats allocated",
                                   R"("buses":)" + std::to_string(buses) + R"(,"seatsPerBus":56)");
  const Sent off =
      bench.send_alert("Seats counted", R"("busCapacity":)" + std::to_string(buses * kSeatsPerBus));
  if (quiet) bench.use_up_automatic_answers();
  std::printf(
      "%zu members; %d buses of %d seats on %s (%d seats: the rest wait); %zu "
      "connections; %s\n",
      bench.members(), buses, kSeatsPerBus, on.code.c_str(), buses * kSeatsPerBus, connections,
      quiet ? "no SMS confirmations (quiet)" : "SMS confirmations (loud)");

  const auto off_yes = bench.run(bench.replies("OUI BUS MTL " + off.code), connections);
  const auto on_yes = bench.run(bench.replies("OUI BUS MTL " + on.code), connections);
  const std::string base = "alert:{" + on.id + "}";
  const int64_t seated = bench.hlen(base + ":seat");
  const int64_t waiting = bench.hlen(base + ":waiting");
  const bool counts_after_yes = bench.counts_equal_recount(on.id);
  const auto off_no = bench.run(bench.replies("NON " + off.code), connections);
  const auto on_no = bench.run(bench.replies("NON " + on.code), connections);

  std::printf("round 1-2: every member answers OUI BUS MTL\n");
  print_round("off (counted against a capacity)", off_yes);
  print_round("on (seated or waitlisted)", on_yes);
  std::printf("  -> on/off applied: %.2f; seated %lld, waitlisted %lld\n",
              on_yes.applied_per_second / off_yes.applied_per_second,
              static_cast<long long>(seated), static_cast<long long>(waiting));
  std::printf("round 3-4: every member answers NON\n");
  print_round("off", off_no);
  print_round("on (each seat freed boards the next)", on_no);
  std::printf("  -> on/off applied: %.2f\n", on_no.applied_per_second / off_no.applied_per_second);

  bool ok = true;
  auto check = [&ok](bool passed, const std::string& what) {
    std::printf("  check: %s: %s\n", what.c_str(), passed ? "ok" : "FAILED");
    ok = ok && passed;
  };
  check(seated == buses * kSeatsPerBus && seated + waiting == static_cast<int64_t>(bench.members()),
        "after the yeses, every seat given and everyone else waiting");
  check(counts_after_yes && bench.counts_equal_recount(on.id), "seat counts equal a recount");
  check(bench.hlen(base + ":seat") == 0 && bench.hlen(base + ":waiting") == 0,
        "after the noes, no seat and nobody waiting");
  const double slowest = std::min(on_yes.applied_per_second, on_no.applied_per_second);
  std::printf("allocation on, slowest round: %.0f replies/s applied (target >= %.0f: %.2fx)\n",
              slowest, kTargetRate, slowest / kTargetRate);
  ok = ok && on_yes.all_accepted && on_no.all_accepted && slowest >= kTargetRate;
  std::printf("%s\n", ok ? "target met, counts correct" : "NOT MET (see above)");
  return ok ? 0 : 2;
}

int main(int argc, char** argv) {
  curl_global_init(CURL_GLOBAL_DEFAULT);
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "seat_allocation_bench: %s\n", e.what());
    return 1;
  }
}
