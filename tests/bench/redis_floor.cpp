#include "tests/bench/redis_floor.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>

#include "tests/bench/process_cpu.h"

namespace tocsin::bench {

double floor_redis_us_per_message(testing::RedisSync& redis, pid_t redis_pid,
                                  const std::vector<std::string>& member_ids) {
  const std::string sent = "floor:{redis-floor}:sent";
  const std::string delivery = "floor:{redis-floor}:delivery";
  const std::string counts = "floor:{redis-floor}:count";
  const std::string owners = "floor:{redis-floor}:to";
  constexpr size_t kBatch = 500;  // messages per pipeline, as the engine batches its jobs
  std::vector<std::vector<std::string>> commands;
  const double cpu_before = cpu_seconds(redis_pid);
  for (size_t start = 0; start < member_ids.size(); start += kBatch) {
    commands.clear();
    const size_t end = std::min(member_ids.size(), start + kBatch);
    for (size_t i = start; i < end; ++i) {
      const std::string& id = member_ids[i];
      const std::string address = "+1555" + std::to_string(1000000 + i);
      commands.push_back({"GET", "{roster}:member:" + id});
      commands.push_back({"HMGET", "{roster}:member:" + id + ":idx", "mobile", "email", "region"});
      commands.push_back({"SISMEMBER", "{roster}:optout:sms", address});
      commands.push_back({"HGET", owners, address});
    }
    redis.pipeline(commands);
    commands.clear();
    for (size_t i = start; i < end; ++i) {
      const std::string field = member_ids[i] + ":sms";
      commands.push_back({"HSET", sent, field, "SM" + std::to_string(i)});
      commands.push_back({"HSET", delivery, field, "sent"});
      commands.push_back({"HINCRBY", counts, "sent", "1"});
    }
    redis.pipeline(commands);
  }
  const double cpu = cpu_seconds(redis_pid) - cpu_before;
  redis.command({"DEL", sent, delivery, counts, owners});
  return member_ids.empty() ? 0 : 1e6 * cpu / static_cast<double>(member_ids.size());
}

void start_slowlog(testing::RedisSync& redis, long threshold_us) {
  redis.command({"CONFIG", "SET", "slowlog-log-slower-than", std::to_string(threshold_us)});
  redis.command({"CONFIG", "SET", "slowlog-max-len", "2000000"});
  redis.command({"SLOWLOG", "RESET"});
}

namespace {

// One call the slow log holds, as both printers read it.
struct LoggedCall {
  long micros;
  long long at;                   // Unix seconds
  std::vector<std::string> argv;  // the first 32 at most
  size_t argc = 0;                // all of them: how much work the call was given
};

// SLOWLOG GET -1: every entry, each {id, at, microseconds, {argv...}, client, name}. A
// command a script called is logged too, from client "?:0": it is left out, its time being
// the script's.
std::vector<LoggedCall> logged_calls(testing::RedisSync& redis) {
  std::vector<LoggedCall> calls;
  const auto log = redis.command({"SLOWLOG", "GET", "-1"});
  for (const auto& entry : log.elements) {
    if (entry.elements.size() < 4 || entry.elements[3].elements.empty()) continue;
    if (entry.elements.size() > 4 && entry.elements[4].str == "?:0") continue;
    LoggedCall& call = calls.emplace_back();
    call.micros = static_cast<long>(entry.elements[2].integer);
    call.at = static_cast<long long>(entry.elements[1].integer);
    for (const auto& arg : entry.elements[3].elements) call.argv.push_back(arg.str);
    call.argc = call.argv.size();
    // Past 32 arguments the log keeps 31 and "... (N more arguments)".
    unsigned long more = 0;
    if (std::sscanf(call.argv.back().c_str(), "... (%lu more arguments)", &more) == 1) {
      call.argc += more - 1;
    }
  }
  return calls;
}

}  // namespace

long print_slowlog(testing::RedisSync& redis, size_t top,
                   const std::function<std::string(const std::string&)>& name_of) {
  struct Call {
    long micros;
    std::string what;
    long long at;
    size_t argc;
  };
  std::vector<Call> calls;
  for (const LoggedCall& logged : logged_calls(redis)) {
    std::string what;
    // EVALSHA, the sha, the key count and the first key: enough to tell the script.
    for (size_t i = 0; i < logged.argv.size() && i < 4; ++i) {
      const bool script =
          i == 1 && name_of && (logged.argv[0] == "EVALSHA" || logged.argv[0] == "evalsha");
      what += (i ? " " : "") + (script ? name_of(logged.argv[i]) : logged.argv[i].substr(0, 24));
    }
    calls.push_back({logged.micros, what, logged.at, logged.argc});
  }
  std::sort(calls.begin(), calls.end(),
            [](const Call& a, const Call& b) { return a.micros > b.micros; });
  long long first_at = 0;
  for (const Call& call : calls) {
    if (first_at == 0 || call.at < first_at) first_at = call.at;
  }
  const long longest = calls.empty() ? 0 : calls.front().micros;
  std::printf("  Redis's longest single call: %.1f ms (target <= 10 ms); %zu calls logged\n",
              longest / 1000.0, calls.size());
  for (size_t i = 0; i < calls.size() && i < top; ++i) {
    // When, in whole seconds after the first call logged: early (the queuing) or late.
    std::printf("    %8.1f ms  at +%llds  %s  (%zu arguments)\n", calls[i].micros / 1000.0,
                calls[i].at - first_at, calls[i].what.c_str(), calls[i].argc);
  }
  // The longest of each script (or command), so that one slow script does not hide the
  // others: the calls are sorted, so the first of each is its longest.
  std::map<std::string, std::pair<long, size_t>> per_command;  // longest, calls logged
  std::vector<std::string> order;
  for (const Call& call : calls) {
    const auto sha_end = call.what.find(' ', call.what.find(' ') + 1);
    const std::string command = call.what.substr(0, sha_end);
    auto [it, added] = per_command.try_emplace(command, call.micros, 0);
    if (added) order.push_back(command);
    ++it->second.second;
  }
  std::printf("  longest per script or command (calls over the SLOWLOG threshold):\n");
  for (size_t i = 0; i < order.size() && i < 12; ++i) {
    const auto& command = order[i];
    const auto& [micros, count] = per_command[command];
    std::printf("    %8.1f ms  %-40s %zu calls\n", micros / 1000.0, command.c_str(), count);
  }
  return longest;
}

void print_time_by_call(testing::RedisSync& redis, size_t units, const char* unit,
                        const std::function<std::string(const std::string&)>& name_of) {
  std::map<std::string, std::pair<double, size_t>> totals;  // microseconds, calls
  std::map<std::string, std::vector<long>> durations;       // of each call, for percentiles
  for (const LoggedCall& call : logged_calls(redis)) {
    std::string what = call.argv[0];
    std::transform(what.begin(), what.end(), what.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    if (what == "slowlog") continue;  // this read's own
    if ((what == "evalsha" || what == "evalsha_ro") && call.argv.size() > 1) {
      what = name_of(call.argv[1]);
    }
    auto& [micros, count] = totals[what];
    micros += static_cast<double>(call.micros);
    ++count;
    durations[what].push_back(call.micros);
  }
  std::vector<std::pair<std::string, std::pair<double, size_t>>> sorted(totals.begin(),
                                                                        totals.end());
  std::sort(sorted.begin(), sorted.end(),
            [](const auto& a, const auto& b) { return a.second.first > b.second.first; });
  std::printf("  Redis time per %s by script or command (SLOWLOG, every call): ", unit);
  for (size_t i = 0; i < sorted.size() && i < 12; ++i) {
    const auto& [what, total] = sorted[i];
    std::printf("%s%s %.2f us (%.3f calls)", i ? ", " : "", what.c_str(), total.first / units,
                static_cast<double>(total.second) / units);
  }
  std::printf("\n");
  // Whether a script's longest calls are its usual work or rare outliers (the machine, a
  // fork), and how much longer its usual call is than its average.
  std::printf("  call durations by script or command (ms): p50 / p99 / p99.9 / longest\n");
  for (size_t i = 0; i < sorted.size() && i < 8; ++i) {
    std::vector<long>& all = durations[sorted[i].first];
    std::sort(all.begin(), all.end());
    const auto at = [&](double q) {
      return all[std::min(all.size() - 1,
                          static_cast<size_t>(q * static_cast<double>(all.size())))] /
             1000.0;
    };
    std::printf("    %-18s %7.2f %7.2f %7.2f %7.2f  (%zu calls)\n", sorted[i].first.c_str(),
                at(0.5), at(0.99), at(0.999), all.back() / 1000.0, all.size());
  }
}

}  // namespace tocsin::bench
