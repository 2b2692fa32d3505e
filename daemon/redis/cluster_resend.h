#pragma once
// What the cluster client (cluster_client.h) sends a node for a group of one slot, and
// what the node's answers say must go again, without any I/O: after MOVED every command
// goes again to the new master; after ASK those whose keys had already left, each after
// ASKING; a transaction goes again whole when any of its commands was redirected.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "redis/cluster_routing.h"
#include "redis/reply.h"

namespace tocsin::redis {

// An error reply that says the command went to the wrong node (MOVED, ASK), to a slot in
// the middle of a move (TRYAGAIN), or to a cluster missing a master (CLUSTERDOWN).
bool is_redirection(const Reply& reply);
bool is_try_again(const Reply& reply);
bool is_cluster_down(const Reply& reply);

inline constexpr size_t kAsking = static_cast<size_t>(-1);

struct Outgoing {
  std::vector<Command> commands;
  // For each of `commands`: the index of the group's command it is, or kAsking.
  std::vector<size_t> origin;
};

// The commands of `group` at `pending` (its indices, in order), each after ASKING when
// `asking` — a transaction once, before MULTI: Redis keeps the flag until EXEC.
Outgoing outgoing(const std::vector<Command>& group, const std::vector<size_t>& pending,
                  bool asking);

struct Verdict {
  std::vector<size_t> again;               // the group's indices to send again, in order
  std::optional<Redirection> redirection;  // where to (the first MOVED or ASK)
  bool try_again = false;                  // a TRYAGAIN: the same node, a moment later
  bool cluster_down = false;               // a CLUSTERDOWN: the group cannot be sent now
};

// What the `replies` to an Outgoing (`origin` its origins) say, from the node at
// `asked_host` (which stands for an empty host in a redirection).
Verdict judge(const std::vector<Command>& group, const std::vector<size_t>& origin,
              const std::vector<Reply>& replies, const std::string& asked_host);

}  // namespace tocsin::redis
