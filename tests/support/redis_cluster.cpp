#include "tests/support/redis_cluster.h"

#include <chrono>
#include <stdexcept>
#include <thread>

namespace tocsin::testing {

void make_single_node_cluster(RedisSync& redis) {
  redis.command({"CLUSTER", "ADDSLOTSRANGE", "0", "16383"});
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (redis.text({"CLUSTER", "INFO"}).find("cluster_state:ok") == std::string::npos) {
    if (std::chrono::steady_clock::now() > deadline) {
      throw std::runtime_error("the one-node Redis cluster did not reach cluster_state:ok");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // polling a condition
  }
}

}  // namespace tocsin::testing
