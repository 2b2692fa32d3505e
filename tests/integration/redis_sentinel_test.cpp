// The Redis client with Sentinel (redis/sentinel.h), against a real master, replica and
// three redis-sentinel processes: it finds the master through the sentinels; when the
// master is killed it follows the promotion to the replica, and says how long writes were
// refused; when a failover demotes a live master, it leaves it for the new one; when no
// sentinel answers, the reason says so.

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <cstdio>
#include <optional>
#include <string>

#include "redis/client.h"
#include "redis/sentinel.h"
#include "tests/support/daemon_process.h"
#include "tests/support/ports.h"
#include "tests/support/redis_sentinels.h"
#include "tests/support/redis_sync.h"
#include "tests/support/run_until.h"

namespace tocsin::redis {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using testing::RedisSentinels;

SentinelOptions sentinel_options(const std::vector<uint16_t>& ports) {
  SentinelOptions sentinel;
  sentinel.master_name = RedisSentinels::kMasterName;
  for (uint16_t port : ports) {
    Endpoint endpoint;
    endpoint.host = "127.0.0.1";
    endpoint.port = port;
    sentinel.sentinels.push_back(endpoint);
  }
  return sentinel;
}

class RedisSentinel : public ::testing::Test {
 protected:
  RedisSentinel() {
    Options options;
    options.sentinel = sentinel_options(sentinels_.sentinel_ports());
    options.reconnect_min_delay = 20ms;
    options.reconnect_max_delay = 200ms;
    options.health_check_interval = 200ms;
    options.command_timeout = 1000ms;
    options.wait_replicas = 1;
    client_ = std::make_unique<Client>(io_.get_executor(), options);
    asio::co_spawn(io_, client_->run(), asio::detached);
  }

  ~RedisSentinel() override {
    client_->stop();
    io_.restart();
    io_.run_for(100ms);
  }

  template <class Condition>
  bool run_until(Condition condition, std::chrono::milliseconds timeout) {
    return testing::run_until(io_, condition, timeout);
  }

  // SET key value through the client: whether Redis answered OK.
  bool set(const std::string& key, const std::string& value) {
    std::optional<Result<Reply>> reply;
    Command command{"SET", key, value};
    asio::co_spawn(
        io_, [&]() -> asio::awaitable<void> { reply = co_await client_->exec(command); },
        asio::detached);
    if (!run_until([&] { return reply.has_value(); }, 5s)) return false;
    return *reply && (*reply)->is_ok();
  }

  void wait_for_replicas() {
    bool done = false;
    asio::co_spawn(
        io_,
        [&]() -> asio::awaitable<void> {
          co_await client_->wait_for_replicas();
          done = true;
        },
        asio::detached);
    run_until([&] { return done; }, 5s);
  }

  // Writes until a write succeeds (within `timeout`): how long that took.
  std::optional<std::chrono::milliseconds> time_until_a_write_succeeds(
      std::chrono::milliseconds timeout) {
    const auto began = std::chrono::steady_clock::now();
    int attempt = 0;
    while (std::chrono::steady_clock::now() - began < timeout) {
      if (set("after", std::to_string(++attempt))) {
        return std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now() - began);
      }
      io_.restart();
      io_.run_for(20ms);
    }
    return std::nullopt;
  }

  RedisSentinels sentinels_;
  asio::io_context io_;
  std::unique_ptr<Client> client_;
};

TEST_F(RedisSentinel, TheClientFindsTheMasterThroughTheSentinels) {
  ASSERT_TRUE(run_until([&] { return client_->connected(); }, 10s));
  ASSERT_TRUE(set("where", "master"));
  testing::RedisSync master(sentinels_.master().port());
  EXPECT_EQ(master.text({"GET", "where"}), "master");
}

TEST_F(RedisSentinel, WhenTheMasterIsKilledTheClientFollowsThePromotedReplica) {
  ASSERT_TRUE(run_until([&] { return client_->connected(); }, 10s));
  ASSERT_TRUE(set("before", "1"));
  wait_for_replicas();  // WAIT: what a send does before it goes on
  const uint16_t replica_port = sentinels_.replica().port();
  sentinels_.master().kill();
  const auto refused_for = time_until_a_write_succeeds(60s);
  ASSERT_TRUE(refused_for) << "no write succeeded within 60 s of the master's death";
  std::printf(
      "writes refused for %lld ms after the master's SIGKILL (sentinels' "
      "down-after-milliseconds: 1000)\n",
      static_cast<long long>(refused_for->count()));
  testing::RedisSync promoted(replica_port);
  EXPECT_EQ(promoted.command({"ROLE"}).elements.at(0).str, "master");
  EXPECT_FALSE(promoted.text({"GET", "after"}).empty()) << "the write went elsewhere";
  EXPECT_EQ(promoted.text({"GET", "before"}), "1") << "WAIT returned before the replica had it";
}

TEST_F(RedisSentinel, AMasterDemotedByAFailoverIsLeftForTheNewOne) {
  ASSERT_TRUE(run_until([&] { return client_->connected(); }, 10s));
  const uint16_t old_master = sentinels_.master().port();
  const uint16_t new_master = sentinels_.replica().port();
  testing::RedisSync sentinel(sentinels_.sentinel_ports().front());
  // Refused (NOGOODSLAVE) until the sentinel has seen the replica in sync.
  std::string refusal;
  ASSERT_TRUE(testing::eventually(
      [&] {
        const auto reply = sentinel.command({"SENTINEL", "FAILOVER", RedisSentinels::kMasterName});
        refusal = reply.str;
        return reply.is_ok();
      },
      20s))
      << refusal;
  // The old master lives on as a replica: a client that kept writing to it would get
  // READONLY for ever.
  testing::RedisSync demoted(old_master);
  ASSERT_TRUE(
      run_until([&] { return demoted.command({"ROLE"}).elements.at(0).str == "slave"; }, 30s));
  bool landed = run_until(
      [&] {
        return set("after-failover", "yes") &&
               testing::RedisSync(new_master).text({"GET", "after-failover"}) == "yes";
      },
      30s);
  EXPECT_TRUE(landed) << "the client did not move to the new master";
}

TEST(RedisSentinelAsk, NoSentinelAnsweringIsOneReasonNamingEach) {
  asio::io_context io;
  SentinelOptions options = sentinel_options({testing::free_tcp_port(), testing::free_tcp_port()});
  std::string why;
  std::optional<std::optional<Endpoint>> master;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        master = co_await ask_sentinels(io.get_executor(), options, 500ms, &why);
      },
      asio::detached);
  io.run_for(5s);
  ASSERT_TRUE(master.has_value());
  EXPECT_FALSE(master->has_value());
  EXPECT_NE(why.find("no sentinel said where master tocsin is"), std::string::npos) << why;
  EXPECT_NE(why.find(options.sentinels[0].describe()), std::string::npos) << why;
  EXPECT_NE(why.find(options.sentinels[1].describe()), std::string::npos) << why;
}

}  // namespace
}  // namespace tocsin::redis
