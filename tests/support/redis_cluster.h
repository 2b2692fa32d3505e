#pragma once
// A redis-server started with RedisServer::Options::cluster made a one-node cluster: it
// owns every slot, so it answers every key itself (no MOVED) while checking, as a cluster
// does, that a script or a transaction stays in one slot.

#include "tests/support/redis_sync.h"

namespace tocsin::testing {

// Gives the node every slot and waits (up to 10 s) for cluster_state:ok. Throws on failure.
void make_single_node_cluster(RedisSync& redis);

}  // namespace tocsin::testing
