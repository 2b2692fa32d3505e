#pragma once
// The daemon's Redis client, shaped like Boost.Redis: one long-lived run() coroutine owns
// the connection (connect, AUTH/SELECT, reconnect with capped backoff, PING health
// checks), and any number of coroutines co_await exec() on it. hiredis does the protocol;
// its async context is driven by the Asio loop (see asio_adapter.cpp). With
// Options::sentinel it finds the master through the sentinels (sentinel.h); with
// Options::cluster the same calls go to a Redis Cluster's masters (cluster_client.h).
//
// When Redis is away, exec() fails at once with Errc::not_connected instead of queueing:
// an HTTP request that needs Redis then answers 503 rather than hanging.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "redis/errors.h"
#include "redis/reply.h"
#include "redis/script.h"
#include "redis/sentinel.h"
#include "redis/url.h"
#include "util/result.h"

namespace tocsin::redis {

using Command = std::vector<std::string>;

// A Redis Cluster: any of its nodes (each is asked in turn for the slot map until one
// answers; the others are found from the map). See cluster_client.h.
struct ClusterOptions {
  std::vector<Endpoint> seeds;
};

struct Options {
  // Where Redis is; with `sentinel`, only its database (and password) count: the host is
  // the master the sentinels name (sentinel.h).
  Endpoint endpoint;
  std::optional<SentinelOptions> sentinel;
  // With `cluster`, the endpoint is not used (but for its password): each command goes to
  // the master of its key's slot.
  std::optional<ClusterOptions> cluster;
  std::string password;  // AUTH after connecting, when not empty (overrides endpoint's)
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds health_check_interval{1000};
  std::chrono::milliseconds command_timeout{1500};  // an unanswered PING drops the link
  std::chrono::milliseconds reconnect_min_delay{100};
  std::chrono::milliseconds reconnect_max_delay{2000};
  // wait_for_replicas(): replicas that must acknowledge the writes before (0: no wait),
  // and how long to wait for them.
  int wait_replicas = 0;
  std::chrono::milliseconds wait_timeout{1000};
};

class ClusterClient;

class Client {
 public:
  Client(boost::asio::any_io_executor executor, Options options);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Runs until stop(): keeps a connection up. Spawn it once.
  boost::asio::awaitable<void> run();
  // Closes the connection and makes run() return; pending commands fail with Errc::stopped.
  void stop();

  bool connected() const;
  // Successful connections after the first one (for the metrics).
  uint64_t reconnects() const;
  // Called with true on each (re)connection, false on each loss.
  void on_connection_change(std::function<void(bool)> callback);

  boost::asio::awaitable<Result<Reply>> exec(Command command);
  // Sends all commands back to back and returns their replies in order.
  boost::asio::awaitable<Result<std::vector<Reply>>> exec_pipeline(std::vector<Command> commands);
  // EVALSHA, loading the script first when Redis does not know it (NOSCRIPT: a restart, a
  // SCRIPT FLUSH, a failover). Register scripts with load_on_connect() to load them eagerly.
  boost::asio::awaitable<Result<Reply>> eval(const Script& script, std::vector<std::string> keys,
                                             std::vector<std::string> args);
  void load_on_connect(const Script& script);
  // Redis WAIT: returns once wait_replicas replicas hold every write this connection made,
  // or after wait_timeout. For the writes a failover must not lose. While they fall short
  // (a replica down), it is not asked again for 10 s: each WAIT would hold this connection
  // for the whole timeout. Logged (event=redis_wait_short), never an error: the write is
  // on the master.
  boost::asio::awaitable<void> wait_for_replicas();
  // A command sent on each connection after the scripts load, before the client counts as
  // connected (an error reply is logged, and the connection is used all the same).
  void run_on_connect(Command command);

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;              // one Redis (or the master Sentinel names)
  std::shared_ptr<ClusterClient> cluster_;  // or a cluster: every call goes there
};

}  // namespace tocsin::redis
