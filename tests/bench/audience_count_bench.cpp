// How long AudienceCounter::count() takes on a common-front-sized roster: 600,000 members
// over 17 regions, 6 sectors, 300 locals and 5 tags, against a private redis-server.
// Prints the median of 20 counts for a few expressions. Run by hand:
//   build/tests/audience_count_bench [members]

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "members/audience.h"
#include "members/audience_counter.h"
#include "redis/client.h"
#include "tests/support/redis_server.h"

namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using tocsin::members::AudienceCounter;
using tocsin::members::index_key;
using Clock = std::chrono::steady_clock;

constexpr int kRuns = 20;
constexpr size_t kIdsPerCommand = 1000;
constexpr size_t kCommandsPerPipeline = 100;

// A deterministic, uneven spread: a multiplicative hash per dimension, so that regions,
// locals and tags are not aligned with one another.
uint64_t mix(uint64_t i, uint64_t salt) {
  uint64_t x = (i + 1) * 0x9e3779b97f4a7c15ULL ^ salt;
  x ^= x >> 31;
  x *= 0xbf58476d1ce4e5b9ULL;
  return x ^ (x >> 29);
}

std::map<std::string, std::vector<std::string>> roster(int members) {
  std::map<std::string, std::vector<std::string>> sets;
  for (int i = 0; i < members; ++i) {
    std::string id = std::to_string(100000 + i);
    sets["{roster}:members:all"].push_back(id);
    sets[index_key("region", "r" + std::to_string(mix(i, 1) % 17))].push_back(id);
    sets[index_key("sector", "s" + std::to_string(mix(i, 2) % 6))].push_back(id);
    sets[index_key("local", "l" + std::to_string(mix(i, 3) % 300))].push_back(id);
    for (int tag = 0; tag < 5; ++tag) {
      if (mix(i, 10 + tag) % 10 == 0)
        sets[index_key("tag", "t" + std::to_string(tag))].push_back(id);
    }
    if (mix(i, 4) % 10 != 0) sets["{roster}:members:sms"].push_back(id);   // 90 % with a mobile
    if (mix(i, 5) % 5 != 0) sets["{roster}:members:email"].push_back(id);  // 80 % with an email
    if (mix(i, 6) % 50 == 0) sets["{roster}:optout:sms:members"].push_back(id);
    if (mix(i, 7) % 100 == 0) sets["{roster}:optout:email:members"].push_back(id);
  }
  return sets;
}

asio::awaitable<bool> fill(tocsin::redis::Client& client, int members) {
  std::vector<tocsin::redis::Command> batch;
  for (auto& [key, ids] : roster(members)) {
    for (size_t start = 0; start < ids.size(); start += kIdsPerCommand) {
      tocsin::redis::Command sadd{"SADD", key};
      size_t end = std::min(ids.size(), start + kIdsPerCommand);
      sadd.insert(sadd.end(), ids.begin() + start, ids.begin() + end);
      batch.push_back(std::move(sadd));
      if (batch.size() == kCommandsPerPipeline) {
        if (!co_await client.exec_pipeline(std::move(batch))) co_return false;
        batch.clear();
      }
    }
  }
  if (!batch.empty() && !co_await client.exec_pipeline(std::move(batch))) co_return false;
  co_return true;
}

asio::awaitable<void> time_count(AudienceCounter& counter, const char* text) {
  std::string error;
  auto expr = tocsin::members::parse_audience(text, &error);
  if (!expr) {
    std::printf("%s: %s\n", text, error.c_str());
    co_return;
  }
  std::vector<double> ms;
  tocsin::members::AudienceCount last;
  for (int run = 0; run < kRuns; ++run) {
    auto start = Clock::now();
    auto count = co_await counter.count(*expr);
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    if (!count) {
      std::printf("%s: count failed: %s\n", text, count.error().message().c_str());
      co_return;
    }
    last = *count;
  }
  std::sort(ms.begin(), ms.end());
  std::printf("%-60s median %7.2f ms  min %7.2f  max %7.2f   members %lld sms %lld email %lld\n",
              text, ms[ms.size() / 2], ms.front(), ms.back(), static_cast<long long>(last.members),
              static_cast<long long>(last.sms_reachable),
              static_cast<long long>(last.email_reachable));
}

}  // namespace

int main(int argc, char** argv) {
  int members = argc > 1 ? std::atoi(argv[1]) : 600000;
  tocsin::testing::RedisServer server;
  asio::io_context io;
  tocsin::redis::Options options;
  std::string error;
  options.endpoint = tocsin::redis::parse_url(server.url(), &error).value();
  // Filling the roster keeps Redis busy for longer than the default health-check timeout.
  options.command_timeout = 30s;
  tocsin::redis::Client client(io.get_executor(), options);
  AudienceCounter counter(client);
  int status = 1;

  asio::co_spawn(io, client.run(), [](std::exception_ptr) {});
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        asio::steady_timer timer(io);
        for (int i = 0; i < 500 && !client.connected(); ++i) {
          timer.expires_after(10ms);
          co_await timer.async_wait(asio::use_awaitable);
        }
        auto start = Clock::now();
        if (!client.connected() || !co_await fill(client, members)) {
          std::printf("could not fill Redis\n");
          co_return;
        }
        std::printf("filled %d members in %.1f s\n", members,
                    std::chrono::duration<double>(Clock::now() - start).count());
        co_await time_count(counter, "all");
        co_await time_count(counter, "region:r3");
        co_await time_count(counter, "region:r3 AND (sector:s1 OR tag:t2) AND NOT local:l17");
        co_await time_count(counter, "NOT region:r3");
        co_await time_count(counter,
                            "(region:r1 OR region:r2 OR region:r3) AND NOT (tag:t0 OR tag:t1)");
        status = 0;
      },
      [&](std::exception_ptr) { client.stop(); });
  io.run();
  return status;
}
