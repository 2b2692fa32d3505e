#pragma once
// Which master serves each of a Redis Cluster's 16,384 hash slots, read from a node's
// answer to CLUSTER SLOTS, without any I/O. The cluster client keeps one, corrects a slot
// when a node answers MOVED, and reads a whole new one after a failover.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "redis/cluster_routing.h"
#include "redis/reply.h"
#include "redis/url.h"

namespace tocsin::redis {

class ClusterMap {
 public:
  static constexpr uint16_t kNoNode = 0xffff;

  // From a CLUSTER SLOTS reply given by the node at `asked` (whose host stands for an empty
  // one in the reply). A reply that is not one (an error: "ERR This instance has cluster
  // support disabled") gives nullopt and the reason in *why.
  static std::optional<ClusterMap> parse(const Reply& reply, const Endpoint& asked,
                                         std::string* why);

  // The masters, each once, in the order of their first slot.
  const std::vector<Endpoint>& masters() const { return masters_; }
  // The index in masters() of the slot's master, or kNoNode when no master serves it.
  uint16_t master_of(int slot) const { return owner_[static_cast<size_t>(slot)]; }
  // Slots no master serves (a cluster that lost a master and has no replica to promote).
  int unserved_slots() const;
  // After a MOVED: the slot is now `node`'s (added to the masters when new).
  void move(int slot, const Endpoint& node);
  // Same masters serving the same slots.
  bool operator==(const ClusterMap& other) const;

 private:
  uint16_t index_of(const Endpoint& node);

  std::vector<Endpoint> masters_;
  std::array<uint16_t, kClusterSlots> owner_{};
};

// The same address (host and port; a cluster's nodes are TCP).
bool same_node(const Endpoint& a, const Endpoint& b);

}  // namespace tocsin::redis
