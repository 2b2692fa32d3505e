// The Redis cost of the event stream's publish script (events/publish_script.h) on an
// alert with FIELDS raw counts (default 5,000, split between alert:{id}:reach and
// alert:{id}:tally as a large alert's would be), on a real redis-server:
//   - nothing new: another daemon already published this version (the cheap check every
//     daemon but one makes);
//   - a version bump that changed nothing visible;
//   - one field changed (a reply), then CHANGED fields changed (a blast's 100 ms), each
//     noted in the hashes' :moved sets as the counting scripts do;
//   - CHANGED fields changed and not noted (as an older tocsind writes): the whole alert is
//     compared, as every call did before the :moved sets; side by side, the ratio;
// each as Redis's own time per call (INFO commandstats, evalsha: the script and the
// commands it calls) and the round trip seen by the client, and what that costs Redis at
// the publisher's pace of one call per 100 ms per alert. At most 1,000 moved fields are
// compared per call, as the publisher passes.
//
//   event_publish_bench [FIELDS=5000] [CHANGED=1000] [CALLS=200]

#include <chrono>
#include <cstdio>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "events/publish_script.h"
#include "tests/support/redis_server.h"
#include "tests/support/redis_sync.h"

namespace {

using namespace tocsin;
using Clock = std::chrono::steady_clock;

const std::string kAlert = "bench00000000001";
const std::string kBase = "alert:{" + kAlert + "}";

// INFO commandstats' evalsha line: {calls, usec}.
std::pair<double, double> evalsha_stats(testing::RedisSync& redis) {
  std::istringstream lines(redis.text({"INFO", "commandstats"}));
  std::string line;
  while (std::getline(lines, line)) {
    if (!line.starts_with("cmdstat_evalsha:")) continue;
    const size_t calls = line.find("calls=");
    const size_t usec = line.find(",usec=");
    return {std::stod(line.substr(calls + 6)), std::stod(line.substr(usec + 6))};
  }
  return {0, 0};
}

struct Case {
  const char* name;
  // Run before each call (not timed): what changed since the last one.
  std::function<void(testing::RedisSync&, int)> prepare;
};

}  // namespace

int run(int argc, char** argv) {
  const int fields = argc > 1 ? std::stoi(argv[1]) : 5000;
  const int changed = argc > 2 ? std::stoi(argv[2]) : 1000;
  const int calls = argc > 3 ? std::stoi(argv[3]) : 200;
  testing::RedisServer server;
  testing::RedisSync redis(server.port());
  const auto& script = events::publish_turnout_script();
  const std::string sha = redis.text({"SCRIPT", "LOAD", script.source()});

  // Field names as turnout writes them: 17 regions, their locals, sectors and titles.
  std::vector<std::string> names;
  for (int i = 0; names.size() < static_cast<size_t>(fields); ++i) {
    const std::string region = "region-" + std::to_string(i % 17);
    const std::string dimension =
        i % 4 == 0 ? "all" : (i % 4 == 1 ? "local:l-" : (i % 4 == 2 ? "sector:s-" : "title:t-")) +
                                 std::to_string(i / 4);
    names.push_back(region + "|" + dimension + "|" + (i % 3 == 0 ? "yes" : "sent"));
  }
  for (size_t i = 0; i < names.size(); ++i) {
    redis.command({"HSET", kBase + (i % 3 == 0 ? ":tally" : ":reach"), names[i],
                   std::to_string(i + 1)});
  }
  std::vector<std::string> call{"EVALSHA", sha};
  const std::vector<std::string> keys = events::publish_turnout_keys(kAlert);
  call.push_back(std::to_string(keys.size()));
  call.insert(call.end(), keys.begin(), keys.end());
  call.insert(call.end(), {"0", "100000", "1000", "1000"});
  redis.command({"INCR", kBase + ":turnout_version"});
  auto first = redis.command(call);  // everything is new: the first entries
  std::printf("alert with %d fields: first publish wrote up to entry %s (%lld entries)\n", fields,
              first.elements.size() == 4 ? first.elements[2].str.c_str() : "?",
              static_cast<long long>(redis.integer({"XLEN", kBase + ":events"})));

  int64_t counter = 1000000;
  // A counting script's call: the field written, noted as moved (unless `noted` is false,
  // as an older tocsind), and the versions moved.
  auto write = [&](testing::RedisSync& r, size_t at, bool noted) {
    const std::string hash = kBase + (at % 3 == 0 ? ":tally" : ":reach");
    r.command({"HSET", hash, names[at], std::to_string(++counter)});
    if (noted) r.command({"SADD", hash + ":moved", names[at]});
  };
  auto versions = [](testing::RedisSync& r, bool noted) {
    r.command({"INCR", kBase + ":turnout_version"});
    if (noted) r.command({"INCR", kBase + ":turnout_tracked"});
  };
  auto change_many = [&](testing::RedisSync& r, int i, bool noted) {
    for (int k = 0; k < changed; ++k) {
      write(r, (static_cast<size_t>(i) * changed + k) % names.size(), noted);
    }
    versions(r, noted);
  };
  const Case cases[] = {
      {"already published (another daemon's check)", [](testing::RedisSync&, int) {}},
      {"version moved, nothing changed", [&](testing::RedisSync& r, int) { versions(r, true); }},
      {"1 field changed",
       [&](testing::RedisSync& r, int i) {
         write(r, 1 + 3 * (i % 100), true);
         versions(r, true);
       }},
      {"CHANGED fields changed",
       [&](testing::RedisSync& r, int i) { change_many(r, i, true); }},
      {"CHANGED fields changed, not noted (whole compare)",
       [&](testing::RedisSync& r, int i) { change_many(r, i, false); }},
  };
  std::map<std::string, double> per_call;
  for (const Case& c : cases) {
    double client_us = 0;
    const auto before = evalsha_stats(redis);
    for (int i = 0; i < calls; ++i) {
      c.prepare(redis, i);
      const auto start = Clock::now();
      redis.command(call);
      client_us += std::chrono::duration<double, std::micro>(Clock::now() - start).count();
    }
    const auto after = evalsha_stats(redis);
    const double redis_us = (after.second - before.second) / (after.first - before.first);
    std::string name = c.name;
    if (name.starts_with("CHANGED")) name = std::to_string(changed) + name.substr(7);
    per_call[c.name] = redis_us;
    std::printf("%-52s Redis %8.1f us/call, round trip %8.1f us; at 10 calls/s: %.2f%% of "
                "Redis's time\n",
                name.c_str(), redis_us, client_us / calls, redis_us * 10 / 1e4);
  }
  std::printf("%d fields changed: comparing the moved fields costs %.2fx the whole compare\n",
              changed,
              per_call["CHANGED fields changed"] /
                  per_call["CHANGED fields changed, not noted (whole compare)"]);
  std::printf("stream length now %lld entries\n",
              static_cast<long long>(redis.integer({"XLEN", kBase + ":events"})));
  return 0;
}

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "event_publish_bench: %s\n", e.what());
    return 1;
  }
}
