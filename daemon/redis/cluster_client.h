#pragma once
// The daemon's Redis client on a Redis Cluster (Options::cluster): what Client (client.h)
// runs when the config names a cluster. It keeps a slot map (CLUSTER SLOTS, asked of a
// node it is connected to, else of the seed nodes), one single-node Client per master —
// each with its own connection, health checks, reconnection and loaded scripts — and sends
// each command to the master of its first key's slot. A MOVED answer corrects the map and
// the command goes again to the right master; an ASK answer sends it there once, after
// ASKING. A pipeline is cut into groups of one slot each (cluster_routing.h), sent in order.
//
// It counts as connected when every slot has a master and every master is connected: while
// a master is down (until its replica is promoted) commands to its slots fail at once with
// Errc::not_connected, like commands to a single Redis that is away, and the map is asked
// for again until a new master serves them. A node answering CLUSTERDOWN (the whole cluster
// refuses while a master is missing) is the same. Every call runs on the client's executor.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "redis/client.h"
#include "redis/cluster_map.h"

namespace tocsin::redis {

class ClusterClient : public std::enable_shared_from_this<ClusterClient> {
 public:
  ClusterClient(boost::asio::any_io_executor executor, Options options);
  ~ClusterClient();
  ClusterClient(const ClusterClient&) = delete;
  ClusterClient& operator=(const ClusterClient&) = delete;

  boost::asio::awaitable<void> run();
  void stop();
  bool connected() const { return connected_ && !stopped_; }
  uint64_t reconnects() const { return connections_ > 0 ? connections_ - 1 : 0; }
  void on_connection_change(std::function<void(bool)> callback) {
    on_change_ = std::move(callback);
  }

  boost::asio::awaitable<Result<Reply>> exec(Command command);
  boost::asio::awaitable<Result<std::vector<Reply>>> exec_pipeline(std::vector<Command> commands);
  boost::asio::awaitable<Result<Reply>> eval(Script script, std::vector<std::string> keys,
                                             std::vector<std::string> args);
  void load_on_connect(const Script& script);
  void run_on_connect(Command command);
  // WAIT on every master, one after the other (each holds the writes this client made there).
  boost::asio::awaitable<void> wait_for_replicas();
  // Redirections followed since the start (MOVED and ASK), for a test or a log line.
  uint64_t redirections() const { return redirections_; }

 private:
  struct Node;
  using NodePtr = std::shared_ptr<Node>;

  boost::asio::awaitable<bool> refresh_map();
  void adopt(ClusterMap map, const std::string& from);
  void align_nodes();
  NodePtr node_at(const Endpoint& endpoint);
  boost::asio::awaitable<NodePtr> node_for(int slot);
  boost::asio::awaitable<void> wait_until_up(NodePtr node);
  boost::asio::awaitable<Result<Reply>> send(int slot, Command command);
  boost::asio::awaitable<Result<std::vector<Reply>>> send_group(int slot,
                                                                std::vector<Command> commands);
  boost::asio::awaitable<NodePtr> follow(const Redirection& redirection);
  boost::asio::awaitable<void> pause(std::chrono::milliseconds delay);
  void node_changed(bool up);
  void request_refresh() {
    refresh_requested_ = true;
    refresh_signal_.cancel();
  }
  void wake_waiters();
  bool all_masters_up() const;
  std::string where() const;
  void notify(bool up);

  boost::asio::any_io_executor executor_;
  Options options_;
  std::optional<ClusterMap> map_;
  // by_master_[i] talks to map_->masters()[i]; nodes_ are all the nodes talked to (an ASK
  // can name a master the map does not list yet).
  std::vector<NodePtr> by_master_;
  std::vector<NodePtr> nodes_;
  std::vector<Script> scripts_;
  std::vector<Command> on_connect_;
  std::function<void(bool)> on_change_;
  bool connected_ = false;
  bool stopped_ = false;
  bool running_ = false;
  bool refresh_requested_ = false;  // asked while run() was not waiting: it reads again at once
  uint64_t connections_ = 0;
  uint64_t redirections_ = 0;
  // run() sleeps on it between map refreshes; request_refresh() wakes it.
  boost::asio::steady_timer refresh_signal_;
  // Commands waiting for a master that has just been found to connect, each on its timer.
  std::vector<std::weak_ptr<boost::asio::steady_timer>> waiters_;
};

}  // namespace tocsin::redis
