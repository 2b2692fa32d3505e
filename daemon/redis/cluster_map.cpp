#include "redis/cluster_map.h"

#include <algorithm>

namespace tocsin::redis {
namespace {

// A slot range's node: [host, port, id, ...]. "?" is a node whose address its peers do not
// know yet; an empty host is the node that answered.
std::optional<Endpoint> node_of(const Reply& node, const Endpoint& asked) {
  if (node.type != Reply::Type::array || node.elements.size() < 2) return std::nullopt;
  const Reply& host = node.elements[0];
  const Reply& port = node.elements[1];
  if (host.type != Reply::Type::string || port.type != Reply::Type::integer) return std::nullopt;
  if (host.str == "?" || port.integer <= 0 || port.integer > 65535) return std::nullopt;
  Endpoint endpoint;
  endpoint.host = host.str.empty() ? asked.host : host.str;
  endpoint.port = static_cast<uint16_t>(port.integer);
  endpoint.password = asked.password;
  endpoint.db = 0;  // a cluster has only database 0
  return endpoint;
}

}  // namespace

std::optional<ClusterMap> ClusterMap::parse(const Reply& reply, const Endpoint& asked,
                                            std::string* why) {
  if (reply.is_error()) {
    *why = asked.describe() + ": " + reply.str;
    return std::nullopt;
  }
  if (reply.type != Reply::Type::array) {
    *why = asked.describe() + ": CLUSTER SLOTS answered something that is not a slot list";
    return std::nullopt;
  }
  ClusterMap map;
  map.owner_.fill(kNoNode);
  for (const Reply& range : reply.elements) {
    if (range.type != Reply::Type::array || range.elements.size() < 3 ||
        range.elements[0].type != Reply::Type::integer ||
        range.elements[1].type != Reply::Type::integer) {
      *why = asked.describe() + ": a slot range of CLUSTER SLOTS is malformed";
      return std::nullopt;
    }
    const int64_t first = range.elements[0].integer;
    const int64_t last = range.elements[1].integer;
    if (first < 0 || last >= kClusterSlots || first > last) {
      *why = asked.describe() + ": a slot range of CLUSTER SLOTS is out of bounds";
      return std::nullopt;
    }
    auto master = node_of(range.elements[2], asked);
    if (!master) continue;  // its master's address is not known yet: those slots wait
    const uint16_t index = map.index_of(*master);
    std::fill(map.owner_.begin() + first, map.owner_.begin() + last + 1, index);
  }
  if (map.masters_.empty()) {
    *why = asked.describe() + ": the cluster serves no slot yet";
    return std::nullopt;
  }
  return map;
}

int ClusterMap::unserved_slots() const {
  return static_cast<int>(std::count(owner_.begin(), owner_.end(), kNoNode));
}

void ClusterMap::move(int slot, const Endpoint& node) {
  if (slot < 0 || slot >= kClusterSlots) return;
  owner_[static_cast<size_t>(slot)] = index_of(node);
}

bool ClusterMap::operator==(const ClusterMap& other) const {
  for (size_t slot = 0; slot < owner_.size(); ++slot) {
    const uint16_t mine = owner_[slot];
    const uint16_t theirs = other.owner_[slot];
    if ((mine == kNoNode) != (theirs == kNoNode)) return false;
    if (mine != kNoNode && !same_node(masters_[mine], other.masters_[theirs])) return false;
  }
  return true;
}

uint16_t ClusterMap::index_of(const Endpoint& node) {
  for (size_t i = 0; i < masters_.size(); ++i) {
    if (same_node(masters_[i], node)) return static_cast<uint16_t>(i);
  }
  masters_.push_back(node);
  return static_cast<uint16_t>(masters_.size() - 1);
}

bool same_node(const Endpoint& a, const Endpoint& b) {
  return a.host == b.host && a.port == b.port;
}

}  // namespace tocsin::redis
