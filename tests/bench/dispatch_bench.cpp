// Issue #4's speed targets, measured on a real redis-server and tocsind:
//   - 150,000 members, one alert: from `send` to every job durable in Redis in under 2 s;
//   - the engine with unlimited file gateways writing to /dev/null: at least 20,000
//     messages/s on a 2-core machine, with every member's state kept in Redis.
// Side by side in the same run (machines are noisy): the send is compared with a count of
// the same audience (the part of the work that selects members), and the engine with an
// in-process loop that renders and writes the same number of messages with no Redis at
// all, i.e. the cost of the work itself without the bookkeeping that makes it exactly-once.
//
// And the data layer's (issue 19): Redis's CPU per message against a floor of the same
// operations with no Lua (redis_floor.h), measured on the same server in the same run;
// Redis's time per command; its longest single call (SLOWLOG), whose target is 10 ms; and
// the AOF's growth per message. Past 240,000 members the synthetic roster's phones stay
// distinct (synthetic_roster.cpp), so a 600,000 run measures messages, not duplicates.
//
//   build/tests/bench/dispatch_bench [MEMBERS] [--by-script] [--pin] [--no-aof-rewrite]
//                                    [--callgrind] [--freeze-slice=N]  (default 150000)
// --by-script adds Redis's time per message by script (every call in the slow log).
// --pin gives Redis a core of its own, so that the longest call is Redis's own work and not
// time spent waiting for a core. --no-aof-rewrite keeps Redis from forking for an AOF
// rewrite during the blast: the pages it writes after a fork are copied one by one, which
// lengthens whatever call runs meanwhile. Run with and without each to tell the causes apart.
// --callgrind runs Redis under valgrind's callgrind and prints the instructions it executed
// during the blast per message: unlike CPU time, the same on every run of the same code
// (within a fraction of a percent), so two versions compare on this noisy machine. About 50
// times slower: use 20,000 members.
// --freeze-slice=N sets dispatch.freeze_slice (members staged per call while the send freezes
// the audience): a smaller slice shortens the longest call and lengthens the wait for the 202.

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "adapters/console/console_gateway.h"
#include "dispatch/audience_stage.lua.h"
#include "dispatch/dispatch_scripts.h"
#include "dispatch/job_writer.h"
#include "dispatch/message_renderer.h"
#include "dispatch/send_start.lua.h"
#include "events/publish_script.h"
#include "http/json.h"
#include "io/line_writer.h"
#include "members/opt_out_registry.h"
#include "proto/tocsin.pb.h"
#include "redis/script.h"
#include "redis/stream_relay.lua.h"
#include "tests/bench/aof_breakdown.h"
#include "tests/bench/callgrind_control.h"
#include "tests/bench/process_cpu.h"
#include "tests/bench/redis_floor.h"
#include "tests/bench/redis_time.h"
#include "tests/support/daemon_process.h"
#include "tests/support/http_client.h"
#include "tests/support/redis_server.h"
#include "tests/support/redis_sync.h"
#include "tests/support/synthetic_roster.h"
#include "tests/support/temp_dir.h"
#include "turnout/reach_log.h"

namespace {

using namespace tocsin::testing;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

const char* kAlertJson =
    R"({"kind":"EMERGENCY_ASSEMBLY","title":"Bench",)"
    R"("eventTime":"2030-06-06T07:00:00-04:00","expiresAt":"2030-06-06T06:00:00-04:00",)"
    R"("place":"Parc Lafontaine",)"
    R"("audience":"all","channels":"SMS","messages":{"fr":{"sms":)"
    R"("{first_name}, assemblée d'urgence {event_time} à {place}. )"
    R"(Réponds OUI {code} ou NON {code}. {rsvp_link}"},"en":{"sms":)"
    R"("{first_name}, emergency assembly {event_time} at {place}. )"
    R"(Reply YES {code} or NO {code}. {rsvp_link}"}}})";

// The baseline: render and write `count` messages in this process, no Redis.
double baseline_messages_per_second(size_t count) {
  tocsin::Alert alert;
  std::string error;
  if (!tocsin::http::from_json(kAlertJson, &alert, &error)) throw std::runtime_error(error);
  alert.set_id("benchalert0000001");
  alert.set_code("A1");
  tocsin::dispatch::MessageRenderer renderer(alert, "America/Toronto");
  tocsin::adapters::ConsoleGateway gateway("file", "sms-null", "sms", 1e6, "/dev/null");
  tocsin::io::LineWriter writer;
  tocsin::Member member;
  member.set_first_name("Marie-Ève");
  member.set_language("fr");
  const auto start = Clock::now();
  for (size_t i = 0; i < count; ++i) {
    member.set_id(std::to_string(100000 + i));
    auto message =
        renderer.render(member, "sms", "+18195550100", "http://127.0.0.1:8080/r/A1.k3J9xQ2mPa");
    auto request = gateway.build(message);
    writer.write(std::get<tocsin::adapters::LocalWrite>(request));
  }
  return count / seconds_since(start);
}

// The scripts of a send by SHA1, to name them in Redis's time by call.
std::string script_name(const std::string& sha) {
  using tocsin::redis::Script;
  static const std::map<std::string, std::string> names = {
      {tocsin::dispatch::prepare_script().sha1(), "prepare"},
      {tocsin::dispatch::record_script().sha1(), "record"},
      {tocsin::dispatch::take_retries_script().sha1(), "take_retries"},
      {tocsin::dispatch::send_jobs_script().sha1(), "send_jobs"},
      {tocsin::members::opt_out_registry_script().sha1(), "opt_out_registry"},
      {tocsin::turnout::apply_moves_script().sha1(), "apply_moves"},
      {tocsin::events::publish_turnout_script().sha1(), "publish_turnout"},
      {Script(std::string(tocsin::redis::lua::stream_relay)).sha1(), "stream_relay"},
      {Script(std::string(tocsin::dispatch::lua::audience_stage)).sha1(), "audience_stage"},
      {Script(std::string(tocsin::dispatch::lua::send_start)).sha1(), "send_start"},
  };
  const auto found = names.find(sha);
  return found != names.end() ? found->second : "script " + sha.substr(0, 8);
}

// One integer field of INFO <section>, 0 when absent.
int64_t info_field(RedisSync& sync, const std::string& section, const std::string& field) {
  const std::string info = sync.text({"INFO", section});
  const auto at = info.find(field + ":");
  if (at == std::string::npos) return 0;
  return std::stoll(info.substr(at + field.size() + 1));
}

int64_t aof_size(RedisSync& sync) {
  return info_field(sync, "persistence", "aof_current_size");
}

}  // namespace

int run(int argc, char** argv) {
  RosterOptions roster;
  bool by_script = false;
  bool no_rewrite = false;
  bool pin = false;
  bool callgrind = false;
  std::string freeze_slice;  // dispatch.freeze_slice, when given
  roster.members = 150000;
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--by-script") {
      by_script = true;
    } else if (std::string(argv[i]) == "--no-aof-rewrite") {
      no_rewrite = true;
    } else if (std::string(argv[i]) == "--pin") {
      pin = true;
    } else if (std::string(argv[i]) == "--callgrind") {
      callgrind = true;
    } else if (std::string(argv[i]).starts_with("--freeze-slice=")) {
      freeze_slice = std::to_string(std::stoi(std::string(argv[i]).substr(15)));
    } else {
      roster.members = std::stoul(argv[i]);
    }
  }
  roster.seed = 11;
  roster.shared_phone_every = 0;  // one message per member
  const std::string csv = make_roster_csv(roster);

  TempDir profiles("tocsin-callgrind");
  RedisServer::Options redis_options;
  if (callgrind) {
    redis_options.prefix = {"valgrind", "--tool=callgrind",
                            "--callgrind-out-file=" + (profiles.path() / "redis.%p").string()};
  }
  RedisServer redis(redis_options);
  DaemonProcess daemon(
      {.redis_url = redis.url(),
       .http_fields = "",
       .extra_config =
           "gateways { name: \"sms-null\" rate_per_second: 1000000 max_concurrency: "
           "1000 file { channel: \"sms\" path: \"/dev/null\" } }\n"
           "alerts { approval_threshold: 10000000 }\n" +
           (freeze_slice.empty() ? std::string()
                                 : "dispatch { freeze_slice: " + freeze_slice + " }\n")});
  const std::string admin = daemon.bootstrap_admin("bench");
  const std::vector<std::string> auth = {"Authorization: Bearer " + admin};
  auto imported = http_request("POST", daemon.base_url() + "/v1/members:import", csv,
                               {auth[0], "Content-Type: text/csv"});
  if (imported.status != 200) throw std::runtime_error("import failed: " + imported.body);
  RedisSync sync(redis.port());
  const int64_t reachable = sync.integer({"SCARD", "{roster}:members:sms"});
  std::printf("roster: %zu members, %lld with a mobile\n", roster.members,
              static_cast<long long>(reachable));

  // Selecting the audience alone, for comparison with the send.
  const auto count_start = Clock::now();
  auto counted =
      http_request("GET", daemon.base_url() + "/v1/members:count?audience=all", "", auth);
  const double count_seconds = seconds_since(count_start);
  if (counted.status != 200) throw std::runtime_error("count failed: " + counted.body);

  auto created = http_request("POST", daemon.base_url() + "/v1/alerts", kAlertJson, auth);
  if (created.status != 201) throw std::runtime_error("create failed: " + created.body);
  tocsin::AlertResponse response;
  std::string error;
  tocsin::http::from_json(created.body, &response, &error);
  const std::string id = response.alert().id();

  const pid_t redis_pid = redis.pid();
  if (pin) {
    // Redis alone on the last core; tocsind and this process on the others. On a shared
    // machine a call's wall time (what SLOWLOG logs) includes the time Redis waited for a
    // core: a 4 ms HMGET is a scheduler tick, not Redis's work.
    const int last = static_cast<int>(std::thread::hardware_concurrency()) - 1;
    tocsin::bench::pin_threads(redis_pid, last);
    tocsin::bench::pin_threads(daemon.process().pid(), last, true);
    tocsin::bench::pin_threads(0, last, true);
  }
  // With --by-script every call is logged, for Redis's time per script (logging costs Redis
  // about a third more CPU, so the CPU figures of such a run are not comparable).
  tocsin::bench::start_slowlog(sync, by_script ? 0 : 1000);
  const auto stats_before = tocsin::bench::command_stats(sync.text({"INFO", "commandstats"}));
  const int64_t aof_before = aof_size(sync);
  const auto aof_file = tocsin::bench::current_aof_file(redis.dir());
  const auto aof_file_before = std::filesystem::file_size(aof_file);
  // An AOF rewrite forks Redis; the pages it then writes are copied one by one, which
  // lengthens whatever call runs meanwhile. --no-aof-rewrite tells those calls apart.
  if (no_rewrite) sync.text({"CONFIG", "SET", "auto-aof-rewrite-percentage", "0"});
  const int64_t forks_before = info_field(sync, "stats", "total_forks");
  // Each read Redis processes is one wake-up of its event loop for a client's bytes: the
  // cost outside commands (system calls, parsing, replies) grows with these, not with work.
  const int64_t reads_before = info_field(sync, "stats", "total_reads_processed");
  const int64_t writes_before = info_field(sync, "stats", "total_writes_processed");
  const int64_t commands_before = info_field(sync, "stats", "total_commands_processed");
  const double daemon_cpu_before = tocsin::bench::cpu_seconds(daemon.process().pid());
  const double redis_cpu_before = tocsin::bench::cpu_seconds(redis_pid);
  if (callgrind) tocsin::bench::callgrind_control("-z", redis_pid);  // counts from here
  const auto send_start = Clock::now();
  auto sent = http_request("POST", daemon.base_url() + "/v1/alerts/" + id + ":send", "", auth);
  const double send_seconds = seconds_since(send_start);
  if (sent.status != 202) throw std::runtime_error("send failed: " + sent.body);
  // The 202 comes once the audience is frozen and the alert sending; its jobs are then
  // queued a slice at a time (dispatch/job_writer.h) while the engine already sends.
  const auto engine_start = send_start;
  const std::string alert_key = "alert:{" + id + "}";
  while (sync.text({"HGET", alert_key, "jobs_queued"}) != "1") {
    if (seconds_since(send_start) > 120) throw std::runtime_error("the jobs were not queued");
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  const double queued_seconds = seconds_since(send_start);
  std::printf(
      "send -> 202 (audience frozen): %.3f s; -> every job durable in the queue: %.3f s "
      "for %lld members (target < 2 s; %.2fx the target); audience count alone: "
      "%.3f s\n",
      send_seconds, queued_seconds, static_cast<long long>(roster.members), queued_seconds / 2.0,
      count_seconds);

  while (sync.text({"HGET", "alert:{" + id + "}", "state"}) != "sent") {
    if (seconds_since(engine_start) > 600) throw std::runtime_error("the blast did not finish");
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  const double blast_seconds = seconds_since(engine_start);
  const double daemon_cpu = tocsin::bench::cpu_seconds(daemon.process().pid()) - daemon_cpu_before;
  const double redis_cpu = tocsin::bench::cpu_seconds(redis_pid) - redis_cpu_before;
  const int64_t messages = sync.integer({"HGET", "alert:{" + id + "}:count", "sent"});
  if (callgrind) {
    tocsin::bench::callgrind_control("-d", redis_pid);
    std::printf(
        "Redis instructions per message (callgrind, send and blast): %.0f\n",
        static_cast<double>(tocsin::bench::dumped_instructions(profiles.path())) / messages);
  }
  const double engine_rate = messages / blast_seconds;
  const double baseline_rate = baseline_messages_per_second(static_cast<size_t>(messages));
  std::printf("engine: %lld messages in %.2f s = %.0f messages/s (target >= 20000; %.2fx)\n",
              static_cast<long long>(messages), blast_seconds, engine_rate, engine_rate / 20000.0);
  // Per message, whatever else the machine is doing: the figure to compare across runs.
  std::printf("CPU per message (send and blast): tocsind %.1f us, redis %.1f us\n",
              1e6 * daemon_cpu / messages, 1e6 * redis_cpu / messages);
  std::printf(
      "baseline, render + write only, no Redis: %.0f messages/s; the engine runs at "
      "%.0f%% of it\n",
      baseline_rate, 100.0 * engine_rate / baseline_rate);

  // Where Redis's time went, and how long it was held at once.
  const auto stats_after = tocsin::bench::command_stats(sync.text({"INFO", "commandstats"}));
  tocsin::bench::print_redis_time(stats_before, stats_after, static_cast<size_t>(messages),
                                  "message");
  tocsin::bench::print_slowlog(sync, 5, script_name);
  std::printf(
      "  Redis forked %lld times during the blast (AOF rewrites%s); the last fork took "
      "%.1f ms\n",
      static_cast<long long>(info_field(sync, "stats", "total_forks") - forks_before),
      no_rewrite ? " off" : " on", info_field(sync, "stats", "latest_fork_usec") / 1000.0);
  std::printf(
      "  Redis round trips per message: %.2f reads and %.2f writes processed, %.2f commands "
      "(scripts count as one)\n",
      static_cast<double>(info_field(sync, "stats", "total_reads_processed") - reads_before) /
          messages,
      static_cast<double>(info_field(sync, "stats", "total_writes_processed") - writes_before) /
          messages,
      static_cast<double>(info_field(sync, "stats", "total_commands_processed") - commands_before) /
          messages);
  if (by_script) {
    tocsin::bench::print_time_by_call(sync, static_cast<size_t>(messages), "message", script_name);
  }
  std::printf("AOF growth: %.0f bytes per message\n",
              static_cast<double>(aof_size(sync) - aof_before) / messages);
  // Without a rewrite the blast's writes are all in the file they started in.
  if (tocsin::bench::current_aof_file(redis.dir()) == aof_file) {
    sync.text({"CONFIG", "SET", "appendfsync", "always"});  // flushes what is buffered
    tocsin::bench::print_aof_breakdown(aof_file, aof_file_before, static_cast<size_t>(messages),
                                       "message");
  }

  // The floor: the same operations per message with no Lua, on the same server, now.
  std::vector<std::string> member_ids;
  for (size_t i = 0; i < static_cast<size_t>(messages); ++i) {
    member_ids.push_back("M" + std::to_string(100000 + i));
  }
  const double floor_us = tocsin::bench::floor_redis_us_per_message(sync, redis_pid, member_ids);
  const double redis_us = 1e6 * redis_cpu / messages;
  std::printf(
      "Redis CPU per message: %.1f us; floor of the same operations: %.1f us; "
      "%.2fx the floor (target <= 2x)\n",
      redis_us, floor_us, redis_us / floor_us);
  return 0;
}

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "dispatch_bench: %s\n", e.what());
    return 1;
  }
}
