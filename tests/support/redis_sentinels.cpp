#include "tests/support/redis_sentinels.h"

#include <chrono>
#include <fstream>
#include <stdexcept>
#include <thread>

#include "tests/support/ports.h"
#include "tests/support/redis_sync.h"

namespace tocsin::testing {
namespace {

// How many replicas a sentinel knows for the master, or -1 when it does not answer.
int known_replicas(uint16_t sentinel) {
  try {
    RedisSync sync(sentinel);
    const auto reply = sync.command({"SENTINEL", "replicas", RedisSentinels::kMasterName});
    return static_cast<int>(reply.elements.size());
  } catch (const std::exception&) {
    return -1;
  }
}

}  // namespace

RedisSentinels::RedisSentinels() : dir_("tocsin-sentinels") {
  master_ = std::make_unique<RedisServer>();
  RedisServer::Options replica;
  replica.extra_args = {"--replicaof", "127.0.0.1", std::to_string(master_->port())};
  replica_ = std::make_unique<RedisServer>(replica);
  for (int i = 0; i < 3; ++i) {
    const uint16_t port = free_tcp_port();
    const auto conf = dir_.path() / ("sentinel-" + std::to_string(i) + ".conf");
    // Sentinel rewrites its own file (what it learns: replicas, the new master).
    std::ofstream(conf) << "port " << port << "\nbind 127.0.0.1\n"
                        << "dir " << dir_.path().string() << "\n"
                        << "sentinel monitor " << kMasterName << " 127.0.0.1 " << master_->port()
                        << " 2\n"
                        << "sentinel down-after-milliseconds " << kMasterName << " 1000\n"
                        << "sentinel failover-timeout " << kMasterName << " 10000\n"
                        << "sentinel parallel-syncs " << kMasterName << " 1\n";
    Subprocess::Options options;
    options.argv = {"redis-sentinel", conf.string()};
    sentinels_.push_back(std::make_unique<Subprocess>(std::move(options)));
    ports_.push_back(port);
  }
  // Polled: a replica's first sync and the sentinels' discovery of it (through INFO, every
  // 10 s at most) have no event a fixture could wait on.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  RedisSync replica_sync(replica_->port());
  while (replica_sync.text({"INFO", "replication"}).find("master_link_status:up") ==
         std::string::npos) {
    if (std::chrono::steady_clock::now() > deadline) {
      throw std::runtime_error("the replica did not sync with its master");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  for (uint16_t port : ports_) {
    while (known_replicas(port) < 1) {
      if (std::chrono::steady_clock::now() > deadline) {
        throw std::runtime_error(
            "sentinel on port " + std::to_string(port) +
            " did not learn of the replica: " + sentinels_.front()->stdout_text());
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
}

RedisSentinels::~RedisSentinels() = default;

uint16_t RedisSentinels::current_master_port() {
  for (uint16_t port : ports_) {
    try {
      RedisSync sync(port);
      const auto reply =
          sync.command({"SENTINEL", "get-master-addr-by-name", RedisSentinels::kMasterName});
      if (reply.elements.size() == 2)
        return static_cast<uint16_t>(std::stoi(reply.elements[1].str));
    } catch (const std::exception&) {
    }
  }
  return 0;
}

std::string RedisSentinels::daemon_redis_fields() const {
  std::string fields = "sentinel { master_name: \"" + std::string(kMasterName) + "\"";
  for (uint16_t port : ports_) fields += " addresses: \"127.0.0.1:" + std::to_string(port) + "\"";
  return fields + " }";
}

}  // namespace tocsin::testing
