#pragma once
// A real Redis Cluster on loopback for the cluster client's integration tests: three
// masters with one replica each, six RedisServer nodes (free ports whose bus ports are free
// too, each its own temporary directory, AOF on). The one-node cluster of redis_cluster.h
// never answers MOVED or ASK and cannot fail over; this one does both, so a test can kill a
// master and watch its replica take over, bring the dead one back (it rejoins as a
// replica), and move a slot to another master under a client holding the old slot map.
//
// Timings (measured on a 2-core machine): forming the cluster takes 3-5 s: redis-cli's own
// wait for the nodes to meet (it polls every second), then the replicas' first sync. With
// --cluster-node-timeout 2000, a killed master is flagged failing after 2 s and its replica
// serves the slots 3.3-4.5 s after the kill. A restart rejoins in 0.2-1.2 s; moving a slot
// with a few hundred keys takes some 20 ms.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/redis_server.h"

namespace tocsin::testing {

class RedisClusterNodes {
 public:
  static constexpr int kSlots = 16384;

  // Starts six nodes, makes them a cluster (redis-cli --cluster create, three masters with
  // a replica each) and waits (up to ~30 s) until every node says cluster_state:ok, every
  // node's CLUSTER SLOTS shows the same three ranges, covering all the slots, each with one
  // replica, and every replica is in sync. Throws std::runtime_error on failure.
  RedisClusterNodes();
  ~RedisClusterNodes();
  RedisClusterNodes(const RedisClusterNodes&) = delete;
  RedisClusterNodes& operator=(const RedisClusterNodes&) = delete;

  // All six nodes' ports, in the order they were started.
  const std::vector<uint16_t>& ports() const { return ports_; }
  RedisServer& node(uint16_t port);

  // What a live node says now (a promoted replica is a master; a dead master still owns
  // its slots until its replica takes over). The masters in the order of the first slot
  // each owns.
  std::vector<uint16_t> master_ports();
  int slot_for_key(const std::string& key);  // CLUSTER KEYSLOT
  uint16_t port_for_slot(int slot);          // the master serving it
  uint16_t port_for_key(const std::string& key);
  // The port of `master_port`'s replica, even a dead one (CLUSTER NODES still lists it).
  // Throws if it has none.
  uint16_t replica_of(uint16_t master_port);

  // SIGKILL, like a crash. Remembers the master's replica for wait_for_failover.
  void kill_master(uint16_t port);
  // Waits (up to ~30 s) until the killed master's replica says it is a master and every
  // live node says cluster_state:ok with that replica serving the dead master's slots.
  // Returns the new master's port.
  uint16_t wait_for_failover(uint16_t dead_master_port);
  // Starts a stopped node again (same port and directory, so its nodes.conf: a failed-over
  // master rejoins as its successor's replica) and waits (up to ~30 s) until every live
  // node sees it with the role it sees itself in, it says cluster_state:ok and, a replica,
  // it is in sync with its master.
  void restart(uint16_t port);

  // Moves `slot` and its keys to the master on `to_port` (CLUSTER SETSLOT IMPORTING and
  // MIGRATING, MIGRATE of its keys, CLUSTER SETSLOT NODE on every master) and waits (up to
  // ~30 s) until every live node says `to_port` serves it: a client holding the old slot map
  // then gets MOVED. In two steps for a test of ASK: between them the slot is migrating, and
  // the old master answers ASK for a key of it that it no longer has (or never had).
  void move_slot(int slot, uint16_t to_port);
  void begin_slot_migration(int slot, uint16_t to_port);
  void finish_slot_migration(int slot, uint16_t to_port);

  // The config's redis fields for a daemon that finds the cluster through these nodes:
  // cluster { addresses: "127.0.0.1:P1" ... } with all six.
  std::string daemon_redis_fields() const;

 private:
  std::vector<uint16_t> live_ports() const;  // the nodes running now

  std::vector<std::unique_ptr<RedisServer>> nodes_;
  std::vector<uint16_t> ports_;
  // A killed master's replica, for wait_for_failover: once the replica is promoted, the
  // cluster no longer says whose replica it was.
  std::map<uint16_t, uint16_t> replica_before_kill_;
};

}  // namespace tocsin::testing
