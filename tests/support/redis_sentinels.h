#pragma once
// A Redis master, one replica and three sentinels watching them, on loopback (free ports,
// temporary directories), for the failover tests: the sentinels find the master down after
// 1 s without an answer (two must agree) and promote the replica.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/redis_server.h"
#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"

namespace tocsin::testing {

class RedisSentinels {
 public:
  static constexpr const char* kMasterName = "tocsin";

  // Starts them all and waits (up to ~20 s) until the replica is in sync and every sentinel
  // knows it, so that a failover can happen. Throws std::runtime_error on failure.
  RedisSentinels();
  ~RedisSentinels();
  RedisSentinels(const RedisSentinels&) = delete;
  RedisSentinels& operator=(const RedisSentinels&) = delete;

  RedisServer& master() { return *master_; }
  RedisServer& replica() { return *replica_; }
  const std::vector<uint16_t>& sentinel_ports() const { return ports_; }
  // The port of the server the sentinels call master now (0 if they cannot say).
  uint16_t current_master_port();
  // The config's redis fields for a daemon that finds the master through these sentinels.
  std::string daemon_redis_fields() const;

 private:
  TempDir dir_;
  std::unique_ptr<RedisServer> master_;
  std::unique_ptr<RedisServer> replica_;
  std::vector<uint16_t> ports_;
  std::vector<std::unique_ptr<Subprocess>> sentinels_;
};

}  // namespace tocsin::testing
