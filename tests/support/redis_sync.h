#pragma once
// A blocking Redis connection for tests, to look at the state the daemon wrote (hiredis'
// synchronous API). Throws std::runtime_error when the connection fails.

#include <cstdint>
#include <string>
#include <vector>

#include "redis/reply.h"

struct redisContext;

namespace tocsin::testing {

class RedisSync {
 public:
  explicit RedisSync(uint16_t port);
  ~RedisSync();
  RedisSync(const RedisSync&) = delete;
  RedisSync& operator=(const RedisSync&) = delete;

  redis::Reply command(const std::vector<std::string>& argv);
  // The reply's string (empty for nil), its integer as text, or an array's elements
  // (nested arrays flattened), each followed by '\n' ("" for an empty array).
  std::string text(const std::vector<std::string>& argv);
  int64_t integer(const std::vector<std::string>& argv);
  // Sends every command before reading any reply (what redis-benchmark -P does): the
  // replies' count, errors included. For loading data and for benchmarks' floors.
  size_t pipeline(const std::vector<std::vector<std::string>>& commands);

 private:
  uint16_t port_;
  redisContext* context_ = nullptr;
};

}  // namespace tocsin::testing
