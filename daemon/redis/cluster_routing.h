#pragma once
// Where a command goes in a Redis Cluster, without any I/O: the hash slot of a key, the key
// a command is routed by, the MOVED and ASK redirections, and a pipeline cut into the
// groups that must each go to one node (a MULTI ... EXEC block stays whole). The cluster
// client (cluster_client.h) carries out what these decide; tests drive them with no server.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "redis/url.h"

namespace tocsin::redis {

using Command = std::vector<std::string>;

constexpr int kClusterSlots = 16384;

// The hash slot of a key: CRC-16 (XMODEM) of the key, or of its hash tag — the part between
// the first '{' and the next '}' when that part is not empty — modulo 16384.
uint16_t key_slot(std::string_view key);

// Whether `command` is the command `upper` (its name in capitals), in any case.
bool command_is(const Command& command, std::string_view upper);

// The key a command is routed by (its first key), or nullopt for a command that names none
// (PING, INFO, WAIT, SCRIPT LOAD, an EVAL of no key, MULTI, EXEC). The daemon's scripts and
// transactions keep their keys in one slot, so the first key is the whole command's slot.
std::optional<std::string_view> routing_key(const Command& command);

struct Redirection {
  enum class Kind { moved, ask };
  Kind kind;
  int slot;
  Endpoint node;
};

// A "MOVED <slot> <host>:<port>" or "ASK <slot> <host>:<port>" error reply's text, else
// nullopt. An empty host (Redis names only the port when it does not know its own address)
// is `asked_host`, the host of the node that answered.
std::optional<Redirection> parse_redirection(std::string_view error, const std::string& asked_host);

// A part of a pipeline that goes to one node: commands [first, first + count), routed by
// `slot` (-1: no key; any node will do).
struct PipelineGroup {
  size_t first = 0;
  size_t count = 0;
  int slot = -1;
};

// Cuts a pipeline into groups of consecutive commands of one slot (or none), keeping each
// MULTI ... EXEC block in one group routed by its first key. A keyless command joins the
// group before it. Sending the groups in order keeps the order of each slot's commands,
// which is the only order Redis Cluster has.
std::vector<PipelineGroup> plan_pipeline(const std::vector<Command>& commands);

}  // namespace tocsin::redis
