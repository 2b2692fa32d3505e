// The scheduler against a real redis-server: due work runs once and leaves Redis clean,
// work in the future waits for the clock (moved by tests, never slept through), two
// daemons sharing Redis run each item once, a lease a silent daemon left is taken over, a
// handler may ask to be tried again later, and what an older daemon left under the keys'
// names of before their hash tag is taken over.

#include "schedule/scheduler.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>

#include <chrono>
#include <map>
#include <mutex>
#include <thread>

#include "redis/client.h"
#include "tests/support/daemon_process.h"
#include "tests/support/redis_server.h"
#include "tests/support/redis_sync.h"
#include "util/clock.h"

namespace tocsin::schedule {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using testing::eventually;
using testing::RedisServer;
using testing::RedisSync;

// One daemon's worth: an io_context on its own thread, a Redis client, a clock the test
// moves, and a scheduler with a "task" handler that counts the subjects it ran.
class SchedulerNode {
 public:
  SchedulerNode(const RedisServer& server, std::string owner,
                std::chrono::milliseconds lease = 60s)
      : client_(io_.get_executor(), options_for(server)),
        scheduler_(io_.get_executor(), client_, clock_,
                   SchedulerOptions{.owner = std::move(owner), .tick = 20ms, .lease = lease}) {}

  ~SchedulerNode() { stop(); }

  // `handler` decides each run's outcome; by default every run is done.
  void start(std::function<asio::awaitable<TaskOutcome>(std::string)> handler = {}) {
    scheduler_.handle("task", [this, handler](std::string subject) -> asio::awaitable<TaskOutcome> {
      {
        std::lock_guard lock(mutex_);
        ++runs_[subject];
      }
      if (handler) co_return co_await handler(subject);
      co_return TaskOutcome{};
    });
    asio::co_spawn(io_, client_.run(), asio::detached);
    asio::co_spawn(io_, scheduler_.run(), asio::detached);
    thread_ = std::thread([this] { io_.run(); });
  }

  void stop() {
    if (!thread_.joinable()) return;
    asio::post(io_, [this] {
      scheduler_.stop();
      client_.stop();
    });
    io_.stop();
    thread_.join();
  }

  std::error_code schedule(const std::string& subject, int64_t due_ms) {
    return asio::co_spawn(io_, scheduler_.schedule("task", subject, due_ms), asio::use_future)
        .get();
  }
  // 1 removed, 0 nothing waiting, -1 Redis error (a future needs a default-constructible
  // value, which Result is not).
  int unschedule(const std::string& subject) {
    return asio::co_spawn(
               io_,
               [this, subject]() -> asio::awaitable<int> {
                 auto removed = co_await scheduler_.unschedule("task", subject);
                 co_return removed ? (*removed ? 1 : 0) : -1;
               },
               asio::use_future)
        .get();
  }

  bool connected() const { return client_.connected(); }
  OffsetClock& clock() { return clock_; }
  int runs(const std::string& subject) {
    std::lock_guard lock(mutex_);
    return runs_.count(subject) ? runs_[subject] : 0;
  }
  std::map<std::string, int> all_runs() {
    std::lock_guard lock(mutex_);
    return runs_;
  }
  SchedulerStats stats() {
    return asio::co_spawn(
               io_, [this]() -> asio::awaitable<SchedulerStats> { co_return scheduler_.stats(); },
               asio::use_future)
        .get();
  }
  asio::io_context& io() { return io_; }

 private:
  static redis::Options options_for(const RedisServer& server) {
    std::string error;
    redis::Options options;
    options.endpoint = *redis::parse_url(server.url(), &error);
    return options;
  }

  asio::io_context io_;
  redis::Client client_;
  OffsetClock clock_;
  Scheduler scheduler_;
  std::thread thread_;
  std::mutex mutex_;
  std::map<std::string, int> runs_;
};

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

TEST(Scheduler, DueItemRunsOnceAndLeavesNothingBehind) {
  RedisServer server;
  RedisSync redis(server.port());
  SchedulerNode node(server, "d1");
  node.start();
  ASSERT_TRUE(eventually([&] { return node.connected(); }, 5s));
  ASSERT_FALSE(node.schedule("a", now_ms() - 1000));
  ASSERT_TRUE(eventually([&] { return node.runs("a") == 1; }, 5s));
  ASSERT_TRUE(eventually([&] { return redis.integer({"EXISTS", "{schedule}:running"}) == 0; }, 5s));
  EXPECT_EQ(redis.integer({"EXISTS", "{schedule}"}), 0);
  EXPECT_EQ(redis.integer({"EXISTS", "{schedule}:owner"}), 0);
  // A few more ticks: still once.
  ASSERT_FALSE(node.schedule("marker", now_ms()));
  ASSERT_TRUE(eventually([&] { return node.runs("marker") == 1; }, 5s));
  EXPECT_EQ(node.runs("a"), 1);
}

TEST(Scheduler, FutureItemWaitsUntilTheClockReachesIt) {
  RedisServer server;
  SchedulerNode node(server, "d1");
  node.start();
  ASSERT_TRUE(eventually([&] { return node.connected(); }, 5s));
  const int64_t in_an_hour = now_ms() + 3'600'000;
  ASSERT_FALSE(node.schedule("later", in_an_hour));
  ASSERT_FALSE(node.schedule("now", now_ms()));
  // Both were looked at in the same claim; only the due one ran.
  ASSERT_TRUE(eventually([&] { return node.runs("now") == 1; }, 5s));
  node.clock().set_offset(59min);
  ASSERT_FALSE(node.schedule("now2", node.clock().now_ms()));
  ASSERT_TRUE(eventually([&] { return node.runs("now2") == 1; }, 5s));
  EXPECT_EQ(node.runs("later"), 0);
  node.clock().set_offset(61min);
  ASSERT_TRUE(eventually([&] { return node.runs("later") == 1; }, 5s));
}

TEST(Scheduler, TwoDaemonsSharingRedisRunEachItemOnce) {
  RedisServer server;
  SchedulerNode first(server, "d1");
  SchedulerNode second(server, "d2");
  first.start();
  second.start();
  ASSERT_TRUE(eventually([&] { return first.connected() && second.connected(); }, 5s));
  constexpr int kItems = 300;
  for (int i = 0; i < kItems; ++i) {
    ASSERT_FALSE((i % 2 ? first : second).schedule("item" + std::to_string(i), now_ms()));
  }
  auto total = [&] {
    int runs = 0;
    for (auto* node : {&first, &second}) {
      for (const auto& [subject, count] : node->all_runs()) runs += count;
    }
    return runs;
  };
  ASSERT_TRUE(eventually([&] { return total() >= kItems; }, 10s));
  for (int i = 0; i < kItems; ++i) {
    const std::string subject = "item" + std::to_string(i);
    EXPECT_EQ(first.runs(subject) + second.runs(subject), 1) << subject;
  }
  EXPECT_EQ(total(), kItems);
}

TEST(Scheduler, WorkOfASilentDaemonIsTakenOverAfterItsLease) {
  RedisServer server;
  RedisSync redis(server.port());
  // The first daemon claims the item and never finishes it (it hangs, as a daemon that lost
  // its network would).
  SchedulerNode stuck(server, "d1", 30s);
  std::atomic<bool> claimed = false;
  stuck.start([&](std::string) -> asio::awaitable<TaskOutcome> {
    claimed = true;
    asio::steady_timer forever(co_await asio::this_coro::executor, 1h);
    boost::system::error_code ignored;
    co_await forever.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
    co_return TaskOutcome{};
  });
  ASSERT_TRUE(eventually([&] { return stuck.connected(); }, 5s));
  ASSERT_FALSE(stuck.schedule("job", now_ms()));
  ASSERT_TRUE(eventually([&] { return claimed.load(); }, 5s));
  EXPECT_EQ(redis.text({"HGET", "{schedule}:owner", "task|job"}), "d1");

  SchedulerNode rescuer(server, "d2", 30s);
  rescuer.start();
  ASSERT_TRUE(eventually([&] { return rescuer.connected(); }, 5s));
  // Before the lease runs out, the item is left alone...
  rescuer.clock().set_offset(20s);
  ASSERT_FALSE(rescuer.schedule("marker", rescuer.clock().now_ms()));
  ASSERT_TRUE(eventually([&] { return rescuer.runs("marker") == 1; }, 5s));
  EXPECT_EQ(rescuer.runs("job"), 0);
  // ...and taken over after.
  rescuer.clock().set_offset(31s);
  ASSERT_TRUE(eventually([&] { return rescuer.runs("job") == 1; }, 5s));
  EXPECT_EQ(rescuer.stats().reclaimed, 1u);
  ASSERT_TRUE(eventually([&] { return redis.integer({"EXISTS", "{schedule}:running"}) == 0; }, 5s));
}

TEST(Scheduler, HandlerCanAskToBeTriedAgainLater) {
  RedisServer server;
  RedisSync redis(server.port());
  SchedulerNode node(server, "d1");
  std::atomic<int> attempts = 0;
  node.start([&](std::string) -> asio::awaitable<TaskOutcome> {
    co_return ++attempts == 1 ? TaskOutcome{false, std::chrono::minutes(5)} : TaskOutcome{};
  });
  ASSERT_TRUE(eventually([&] { return node.connected(); }, 5s));
  const int64_t scheduled_at = now_ms();
  ASSERT_FALSE(node.schedule("flaky", scheduled_at));
  ASSERT_TRUE(eventually([&] { return attempts.load() == 1; }, 5s));
  ASSERT_TRUE(eventually([&] { return redis.integer({"ZCARD", "{schedule}"}) == 1; }, 5s));
  const double due = std::stod(redis.text({"ZSCORE", "{schedule}", "task|flaky"}));
  EXPECT_GE(due, scheduled_at + 5 * 60'000);
  EXPECT_EQ(attempts.load(), 1);
  node.clock().set_offset(6min);
  ASSERT_TRUE(eventually([&] { return attempts.load() == 2; }, 5s));
  ASSERT_TRUE(eventually([&] { return redis.integer({"EXISTS", "{schedule}"}) == 0; }, 5s));
}

TEST(Scheduler, UnscheduledItemNeverRuns) {
  RedisServer server;
  RedisSync redis(server.port());
  SchedulerNode node(server, "d1");
  node.start();
  ASSERT_TRUE(eventually([&] { return node.connected(); }, 5s));
  ASSERT_FALSE(node.schedule("cancelled", now_ms() + 60'000));
  EXPECT_EQ(node.unschedule("cancelled"), 1);
  EXPECT_EQ(node.unschedule("cancelled"), 0);
  node.clock().set_offset(2min);
  ASSERT_FALSE(node.schedule("marker", node.clock().now_ms()));
  ASSERT_TRUE(eventually([&] { return node.runs("marker") == 1; }, 5s));
  EXPECT_EQ(node.runs("cancelled"), 0);
  EXPECT_EQ(redis.integer({"EXISTS", "{schedule}"}), 0);
}

// A Redis an older tocsind wrote to, before the keys took their hash tag: its items, due
// and leased, are moved under the new names at start and run, with nothing left behind
// under the old ones; what the new names already held stays.
TEST(Scheduler, ItemsAnOlderDaemonLeftUnderTheUntaggedKeysAreTakenOverAndRun) {
  RedisServer server;
  RedisSync redis(server.port());
  const std::string past = std::to_string(now_ms() - 1000);
  redis.command({"ZADD", "schedule", past, "task|due-before-upgrade"});
  redis.command({"ZADD", "schedule:running", past, "task|leased-before-upgrade"});
  redis.command({"HSET", "schedule:owner", "task|leased-before-upgrade", "old-daemon"});
  redis.command({"ZADD", "{schedule}", std::to_string(now_ms() + 3'600'000), "task|later"});
  SchedulerNode node(server, "d1");
  node.start();
  ASSERT_TRUE(eventually([&] { return node.runs("due-before-upgrade") == 1; }, 5s));
  ASSERT_TRUE(eventually([&] { return node.runs("leased-before-upgrade") == 1; }, 5s))
      << "a lease past its deadline is taken over, as under the new names";
  EXPECT_EQ(redis.integer({"EXISTS", "schedule", "schedule:running", "schedule:owner"}), 0);
  EXPECT_EQ(redis.text({"ZRANGE", "{schedule}", "0", "-1"}), "task|later\n");
  EXPECT_EQ(node.runs("later"), 0);
}

}  // namespace
}  // namespace tocsin::schedule
