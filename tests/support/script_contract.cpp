#include "tests/support/script_contract.h"

#include <memory>

#include "tests/support/redis_cluster.h"
#include "tests/support/redis_server.h"

namespace tocsin::testing {
namespace {

struct Server {
  std::unique_ptr<RedisServer> server;
  std::unique_ptr<RedisSync> sync;
};

Server& server(RedisMode mode) {
  static Server servers[2];
  Server& s = servers[mode == RedisMode::cluster ? 1 : 0];
  if (!s.server) {
    RedisServer::Options options;
    options.cluster = mode == RedisMode::cluster;
    s.server = std::make_unique<RedisServer>(options);
    s.sync = std::make_unique<RedisSync>(s.server->port());
    if (mode == RedisMode::cluster) make_single_node_cluster(*s.sync);
  }
  return s;
}

std::string fingerprint(RedisSync& redis, const std::string& key) {
  const std::string type = redis.text({"TYPE", key});
  if (type == "string") return "string:" + redis.text({"GET", key});
  if (type == "hash") return "hash:" + redis.text({"HGETALL", key});
  if (type == "set") return "set:" + redis.text({"SORT", key, "ALPHA"});
  if (type == "zset") return "zset:" + redis.text({"ZRANGE", key, "0", "-1", "WITHSCORES"});
  if (type == "list") return "list:" + redis.text({"LRANGE", key, "0", "-1"});
  if (type == "stream") return "stream:" + redis.text({"XRANGE", key, "-", "+"});
  return type;
}

}  // namespace

std::string PrintToString(RedisMode mode) {
  return mode == RedisMode::cluster ? "Cluster" : "Standalone";
}

void ScriptContract::SetUp() {
  redis().command({"FLUSHALL"});
  redis().command({"SCRIPT", "FLUSH"});
}

RedisSync& ScriptContract::redis() { return *server(mode()).sync; }

redis::Reply ScriptContract::run(std::string_view script, const std::vector<std::string>& keys,
                                 const std::vector<std::string>& args) {
  std::vector<std::string> argv{"EVAL", std::string(script), std::to_string(keys.size())};
  argv.insert(argv.end(), keys.begin(), keys.end());
  argv.insert(argv.end(), args.begin(), args.end());
  return redis().command(argv);
}

ScriptContract::Keyspace ScriptContract::keyspace() {
  Keyspace keys;
  std::string cursor = "0";
  do {
    auto reply = redis().command({"SCAN", cursor, "COUNT", "1000"});
    cursor = reply.elements.at(0).str;
    for (const auto& key : reply.elements.at(1).elements) {
      keys[key.str] = fingerprint(redis(), key.str);
    }
  } while (cursor != "0");
  return keys;
}

std::set<std::string> ScriptContract::changed_keys(const Keyspace& before) {
  const Keyspace after = keyspace();
  std::set<std::string> changed;
  for (const auto& [key, value] : after) {
    auto was = before.find(key);
    if (was == before.end() || was->second != value) changed.insert(key);
  }
  for (const auto& [key, value] : before) {
    if (!after.contains(key)) changed.insert(key);
  }
  return changed;
}

}  // namespace tocsin::testing
