// The Redis client on a Redis Cluster (redis/cluster_client.h), against three real masters
// with a replica each: it reads the slot map and sends each key to its master; a pipeline
// across the three masters answers in order and a transaction stays whole; scripts run
// where their keys are, loaded again on a node that forgot them; a slot moved under it
// (MOVED) or migrating (ASK) is followed; a killed master is followed to its promoted
// replica, and writes acknowledged with WAIT survive it; no node answering is "not
// connected", never a hang.

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <cstdio>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "redis/client.h"
#include "redis/cluster_routing.h"
#include "redis/errors.h"
#include "redis/script.h"
#include "tests/support/ports.h"
#include "tests/support/redis_cluster_nodes.h"
#include "tests/support/redis_sync.h"
#include "tests/support/run_until.h"

namespace tocsin::redis {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using testing::RedisClusterNodes;

Options cluster_options(const std::vector<uint16_t>& ports) {
  Options options;
  options.cluster.emplace();
  for (uint16_t port : ports) {
    Endpoint endpoint;
    endpoint.host = "127.0.0.1";
    endpoint.port = port;
    options.cluster->seeds.push_back(endpoint);
  }
  options.reconnect_min_delay = 20ms;
  options.reconnect_max_delay = 200ms;
  options.health_check_interval = 200ms;
  options.command_timeout = 1000ms;
  options.wait_replicas = 1;
  return options;
}

// The cluster and a client on it, started once it is up.
class RedisClusterClient : public ::testing::Test {
 protected:
  void start(Options options) {
    client_ = std::make_unique<Client>(io_.get_executor(), std::move(options));
    asio::co_spawn(io_, client_->run(), asio::detached);
  }

  ~RedisClusterClient() override {
    if (!client_) return;
    client_->stop();
    io_.restart();
    io_.run_for(100ms);
  }

  template <class Condition>
  bool run_until(Condition condition, std::chrono::milliseconds timeout) {
    return testing::run_until(io_, condition, timeout);
  }

  // Runs `make` (a coroutine returning T) on the client's loop to its end.
  template <class T, class Make>
  std::optional<T> await(Make make, std::chrono::milliseconds timeout = 10s) {
    std::optional<T> out;
    asio::co_spawn(
        io_, [&]() -> asio::awaitable<void> { out.emplace(co_await make()); }, asio::detached);
    run_until([&] { return out.has_value(); }, timeout);
    return out;
  }

  Result<Reply> exec(Command command) {
    auto reply = await<Result<Reply>>([&] { return client_->exec(command); });
    if (!reply) return make_error_code(Errc::connection_lost);
    return *reply;
  }

  Result<std::vector<Reply>> pipeline(std::vector<Command> commands) {
    auto replies =
        await<Result<std::vector<Reply>>>([&] { return client_->exec_pipeline(commands); });
    if (!replies) return make_error_code(Errc::connection_lost);
    return *replies;
  }

  bool set(const std::string& key, const std::string& value) {
    auto reply = exec({"SET", key, value});
    return reply && reply->is_ok();
  }

  // INCRs a node refused (with MOVED or ASK) since CONFIG RESETSTAT (INFO commandstats).
  static int64_t incr_refused(testing::RedisSync& node) {
    const std::string stats = node.text({"INFO", "commandstats"});
    const auto line = stats.find("cmdstat_incr:");
    if (line == std::string::npos) return 0;
    const auto field = stats.find("rejected_calls=", line);
    if (field == std::string::npos) return -1;
    return std::stoll(stats.substr(field + 15));
  }

  std::string get_on(uint16_t port, const std::string& key) {
    return testing::RedisSync(port).text({"GET", key});
  }

  // A key of each master, `n` of each, told apart by their slots.
  std::map<uint16_t, std::vector<std::string>> keys_per_master(size_t n) {
    std::map<uint16_t, std::vector<std::string>> keys;
    std::map<int, uint16_t> slot_owner;
    for (int i = 0;
         keys.size() < 3 || std::any_of(keys.begin(), keys.end(),
                                        [&](auto& entry) { return entry.second.size() < n; });
         ++i) {
      const std::string key = "key:" + std::to_string(i);
      const int slot = key_slot(key);
      if (!slot_owner.contains(slot)) slot_owner[slot] = cluster_.port_for_slot(slot);
      auto& list = keys[slot_owner[slot]];
      if (list.size() < n) list.push_back(key);
    }
    return keys;
  }

  RedisClusterNodes cluster_;
  asio::io_context io_;
  std::unique_ptr<Client> client_;
};

TEST_F(RedisClusterClient, EachKeyGoesToTheMasterOfItsSlot) {
  start(cluster_options({cluster_.ports().back()}));  // one seed: the others come from the map
  ASSERT_TRUE(run_until([&] { return client_->connected(); }, 10s));
  const auto keys = keys_per_master(20);
  ASSERT_EQ(keys.size(), 3u);
  for (const auto& [port, list] : keys) {
    for (const std::string& key : list) ASSERT_TRUE(set(key, "on " + std::to_string(port)));
  }
  for (const auto& [port, list] : keys) {
    for (const std::string& key : list) {
      EXPECT_EQ(get_on(port, key), "on " + std::to_string(port)) << key;
    }
  }
  // The client's own slot computation agrees with the cluster's.
  for (const char* key : {"a", "{alert:1}:jobs", "member:+15145550101", "x{}y"}) {
    EXPECT_EQ(key_slot(key), cluster_.slot_for_key(key)) << key;
  }
}

TEST_F(RedisClusterClient, APipelineAcrossTheMastersAnswersInOrderAndATransactionStaysWhole) {
  start(cluster_options(cluster_.ports()));
  ASSERT_TRUE(run_until([&] { return client_->connected(); }, 10s));
  const auto keys = keys_per_master(5);
  std::vector<Command> commands;
  std::vector<std::string> order;
  for (size_t i = 0; i < 5; ++i) {
    for (const auto& [port, list] : keys) {
      commands.push_back({"SET", list[i], "v" + std::to_string(order.size())});
      order.push_back(list[i]);
    }
  }
  for (const std::string& key : order) commands.push_back({"GET", key});
  commands.push_back({"PING"});
  // A transaction on one alert's keys, between commands of other slots.
  commands.push_back({"MULTI"});
  commands.push_back({"INCR", "{alert:7}:a"});
  commands.push_back({"INCR", "{alert:7}:b"});
  commands.push_back({"EXEC"});
  commands.push_back({"GET", order.front()});
  auto replies = pipeline(commands);
  ASSERT_TRUE(replies) << replies.error().message();
  ASSERT_EQ(replies->size(), commands.size());
  for (size_t i = 0; i < order.size(); ++i) {
    EXPECT_TRUE((*replies)[i].is_ok()) << i;
    EXPECT_EQ((*replies)[order.size() + i].str, "v" + std::to_string(i)) << order[i];
  }
  const size_t exec_at = commands.size() - 2;
  ASSERT_EQ((*replies)[exec_at].type, Reply::Type::array);
  ASSERT_EQ((*replies)[exec_at].elements.size(), 2u);
  EXPECT_EQ((*replies)[exec_at].elements[1].integer, 1);
  EXPECT_EQ(replies->back().str, "v0");
}

TEST_F(RedisClusterClient, ScriptsRunWhereTheirKeysAreAndAreLoadedAgainWhereForgotten) {
  const Script script("#!lua\nreturn redis.call('INCRBY', KEYS[1], ARGV[1])");
  start(cluster_options(cluster_.ports()));
  client_->load_on_connect(script);
  ASSERT_TRUE(run_until([&] { return client_->connected(); }, 10s));
  const auto keys = keys_per_master(1);
  for (const auto& [port, list] : keys) {
    testing::RedisSync node(port);
    EXPECT_EQ(node.command({"SCRIPT", "EXISTS", script.sha1()}).elements.at(0).integer, 1)
        << "not loaded on " << port;
    node.command({"SCRIPT", "FLUSH"});  // a restart, as far as scripts go
    std::vector<std::string> key_list{list[0]}, args{"5"};
    auto reply = await<Result<Reply>>([&] { return client_->eval(script, key_list, args); });
    ASSERT_TRUE(reply && *reply) << port;
    EXPECT_EQ((**reply).integer, 5) << (**reply).str;
    EXPECT_EQ(node.text({"GET", list[0]}), "5");
  }
}

TEST_F(RedisClusterClient, ASlotMovedToAnotherMasterIsFollowedAndLearnt) {
  start(cluster_options(cluster_.ports()));
  ASSERT_TRUE(run_until([&] { return client_->connected(); }, 10s));
  const std::string key = "{moving}:count";
  ASSERT_TRUE(set(key, "41"));
  const int slot = key_slot(key);
  const uint16_t from = cluster_.port_for_slot(slot);
  uint16_t to = 0;
  for (uint16_t port : cluster_.master_ports()) {
    if (port != from) to = port;
  }
  cluster_.move_slot(slot, to);
  testing::RedisSync old_master(from);
  old_master.command({"CONFIG", "RESETSTAT"});
  auto reply = exec({"INCR", key});
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->integer, 42) << reply->str;
  EXPECT_EQ(get_on(to, key), "42");
  EXPECT_EQ(incr_refused(old_master), 1) << "the old master did not answer MOVED";
  // Learnt: the next commands go straight to the new master.
  auto again = pipeline({{"INCR", key}, {"INCR", key}});
  ASSERT_TRUE(again);
  EXPECT_EQ(again->at(1).integer, 44);
  EXPECT_EQ(incr_refused(old_master), 1) << "the client kept asking the old master";
}

TEST_F(RedisClusterClient, ASlotBeingMigratedIsFollowedWithAsking) {
  start(cluster_options(cluster_.ports()));
  ASSERT_TRUE(run_until([&] { return client_->connected(); }, 10s));
  const std::string stays = "{migrating}:old";
  ASSERT_TRUE(set(stays, "here"));
  const int slot = key_slot(stays);
  const uint16_t from = cluster_.port_for_slot(slot);
  uint16_t to = 0;
  for (uint16_t port : cluster_.master_ports()) {
    if (port != from) to = port;
  }
  cluster_.begin_slot_migration(slot, to);
  // A key not on the old master any more (here: never was) is asked of the new one.
  ASSERT_TRUE(set("{migrating}:new", "there"));
  testing::RedisSync importing(to);
  importing.command({"ASKING"});  // it serves the slot only to those who say so, until the end
  EXPECT_EQ(importing.text({"GET", "{migrating}:new"}), "there");
  // A pipeline: the key still on the old master answers there, the other after ASK.
  auto replies = pipeline({{"GET", stays}, {"SET", "{migrating}:newer", "too"}, {"GET", stays}});
  ASSERT_TRUE(replies);
  EXPECT_EQ(replies->at(0).str, "here");
  EXPECT_TRUE(replies->at(1).is_ok()) << replies->at(1).str;
  EXPECT_EQ(replies->at(2).str, "here");
  cluster_.finish_slot_migration(slot, to);
  auto moved = exec({"GET", stays});
  ASSERT_TRUE(moved);
  EXPECT_EQ(moved->str, "here");
  EXPECT_EQ(get_on(to, "{migrating}:newer"), "too");
}

TEST_F(RedisClusterClient, AKilledMasterIsFollowedToItsPromotedReplica) {
  start(cluster_options(cluster_.ports()));
  ASSERT_TRUE(run_until([&] { return client_->connected(); }, 10s));
  const std::string key = "{failover}:before";
  ASSERT_TRUE(set(key, "1"));
  bool waited = false;
  asio::co_spawn(
      io_,
      [&]() -> asio::awaitable<void> {
        co_await client_->wait_for_replicas();  // WAIT: what a send does before it goes on
        waited = true;
      },
      asio::detached);
  ASSERT_TRUE(run_until([&] { return waited; }, 5s));
  const uint16_t master = cluster_.port_for_key(key);
  const uint16_t replica = cluster_.replica_of(master);
  cluster_.kill_master(master);
  const auto killed = std::chrono::steady_clock::now();
  ASSERT_TRUE(run_until([&] { return !client_->connected(); }, 5s))
      << "the client did not notice the master's death";
  // Writes to the dead master's slots are refused at once, not held, until the promotion.
  auto refused = exec({"SET", "{failover}:during", "x"});
  EXPECT_FALSE(refused && refused->is_ok());
  ASSERT_TRUE(run_until([&] { return set("{failover}:after", "2"); }, 30s));
  const auto refused_for = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - killed);
  std::printf("writes to the dead master's slots refused for %lld ms (cluster-node-timeout 2000)\n",
              static_cast<long long>(refused_for.count()));
  EXPECT_EQ(get_on(replica, "{failover}:after"), "2");
  EXPECT_EQ(get_on(replica, key), "1") << "WAIT returned before the replica had it";
  ASSERT_TRUE(run_until([&] { return client_->connected(); }, 10s));
  // The old master comes back a replica: the client leaves it alone.
  cluster_.restart(master);
  ASSERT_TRUE(set("{failover}:later", "3"));
  EXPECT_EQ(get_on(replica, "{failover}:later"), "3");
  EXPECT_TRUE(client_->connected());
}

TEST(RedisClusterNoNode, NoNodeAnsweringIsNotConnectedNeverAHang) {
  asio::io_context io;
  Options options = cluster_options({testing::free_tcp_port(), testing::free_tcp_port()});
  options.connect_timeout = 300ms;
  Client client(io.get_executor(), options);
  asio::co_spawn(io, client.run(), asio::detached);
  std::optional<Result<Reply>> reply;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        Command get{"GET", "anything"};
        reply = co_await client.exec(std::move(get));
      },
      asio::detached);
  io.run_for(1s);
  ASSERT_TRUE(reply.has_value());
  ASSERT_FALSE(*reply);
  EXPECT_EQ(reply->error(), Errc::not_connected);
  EXPECT_FALSE(client.connected());
  client.stop();
  io.restart();
  io.run_for(100ms);
}

TEST(RedisClusterNoNode, DestroyingTheClientEndsItsLoop) {
  asio::io_context io;
  Options options = cluster_options({testing::free_tcp_port()});
  auto client = std::make_unique<Client>(io.get_executor(), options);
  bool ended = false;
  asio::co_spawn(
      io,
      [&, run = client->run()]() mutable -> asio::awaitable<void> {
        co_await std::move(run);
        ended = true;
      },
      asio::detached);
  io.run_for(300ms);  // asking the seed for the map, again and again
  ASSERT_FALSE(ended);
  client.reset();
  io.run_for(1s);
  EXPECT_TRUE(ended) << "the cluster client's loop outlived its Client";
}

}  // namespace
}  // namespace tocsin::redis
