#include "tests/support/redis_cluster_nodes.h"

#include <algorithm>
#include <chrono>
#include <functional>
#include <optional>
#include <stdexcept>
#include <thread>

#include "tests/support/redis_sync.h"
#include "tests/support/subprocess.h"

namespace tocsin::testing {
namespace {

constexpr int kNodes = 6;
constexpr auto kTimeout = std::chrono::seconds(30);

// One range of a node's CLUSTER SLOTS: the master serving it and the replicas of that
// master the node does not consider failed.
struct SlotRange {
  int first = 0;
  int last = 0;
  uint16_t master = 0;
  std::vector<uint16_t> replicas;
  bool operator==(const SlotRange&) const = default;
};

std::string address(uint16_t port) {
  return "127.0.0.1:" + std::to_string(port);
}

std::string joined(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& arg : argv) out += (out.empty() ? "" : " ") + arg;
  return out;
}

// CLUSTER SLOTS' reply as ranges, in slot order. Each entry is [first, last, master,
// replica...], each node [ip, port, id, metadata].
std::vector<SlotRange> parse_slots(const redis::Reply& reply) {
  if (reply.type != redis::Reply::Type::array) {
    throw std::runtime_error("CLUSTER SLOTS answered: " + reply.str);
  }
  std::vector<SlotRange> ranges;
  for (const auto& entry : reply.elements) {
    if (entry.elements.size() < 3 || entry.elements[2].elements.size() < 2) {
      throw std::runtime_error("CLUSTER SLOTS: an entry without its master");
    }
    SlotRange range;
    range.first = static_cast<int>(entry.elements[0].integer);
    range.last = static_cast<int>(entry.elements[1].integer);
    range.master = static_cast<uint16_t>(entry.elements[2].elements[1].integer);
    for (size_t i = 3; i < entry.elements.size(); ++i) {
      range.replicas.push_back(static_cast<uint16_t>(entry.elements[i].elements.at(1).integer));
    }
    std::sort(range.replicas.begin(), range.replicas.end());
    ranges.push_back(std::move(range));
  }
  std::sort(ranges.begin(), ranges.end(),
            [](const SlotRange& a, const SlotRange& b) { return a.first < b.first; });
  return ranges;
}

std::vector<SlotRange> slots_seen_by(uint16_t port) {
  RedisSync sync(port);
  return parse_slots(sync.command({"CLUSTER", "SLOTS"}));
}

// The master serving `slot` in `ranges`, 0 if none.
uint16_t owner(const std::vector<SlotRange>& ranges, int slot) {
  for (const auto& range : ranges) {
    if (range.first <= slot && slot <= range.last) return range.master;
  }
  return 0;
}

// "master" or "replica" as `ranges` has the node on `port`; "" when they leave it out (it
// is failed, or a master without slots).
std::string role_in(const std::vector<SlotRange>& ranges, uint16_t port) {
  for (const auto& range : ranges) {
    if (range.master == port) return "master";
    if (std::count(range.replicas.begin(), range.replicas.end(), port) > 0) return "replica";
  }
  return "";
}

// A field of an INFO-style text ("cluster_state" gives "ok"), "" when absent.
std::string info_field(const std::string& info, const std::string& field) {
  const std::string prefix = field + ":";
  size_t start = 0;
  while (start < info.size()) {
    size_t end = info.find('\n', start);
    if (end == std::string::npos) end = info.size();
    std::string line = info.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.rfind(prefix, 0) == 0) return line.substr(prefix.size());
    start = end + 1;
  }
  return "";
}

std::string cluster_state(RedisSync& sync) {
  return info_field(sync.text({"CLUSTER", "INFO"}), "cluster_state");
}

std::string master_link_status(uint16_t replica) {
  RedisSync sync(replica);
  return info_field(sync.text({"INFO", "replication"}), "master_link_status");
}

// "master" or "slave", as the node itself says (ROLE).
std::string role_of(uint16_t port) {
  RedisSync sync(port);
  const redis::Reply reply = sync.command({"ROLE"});
  return reply.elements.empty() ? reply.str : reply.elements.front().str;
}

std::string node_id(uint16_t port) {
  RedisSync sync(port);
  return sync.text({"CLUSTER", "MYID"});
}

void expect_ok(uint16_t port, const std::vector<std::string>& argv) {
  RedisSync sync(port);
  const redis::Reply reply = sync.command(argv);
  if (!reply.is_ok()) {
    throw std::runtime_error(joined(argv) + " on port " + std::to_string(port) + ": " + reply.str);
  }
}

// The first of `ports` to answer `argv` without an error: a dead node, or one still
// loading, is skipped.
redis::Reply ask_live_node(const std::vector<uint16_t>& ports,
                           const std::vector<std::string>& argv) {
  std::string why = "no node is running";
  for (uint16_t port : ports) {
    try {
      RedisSync sync(port);
      redis::Reply reply = sync.command(argv);
      if (!reply.is_error()) return reply;
      why = "port " + std::to_string(port) + ": " + reply.str;
    } catch (const std::exception& e) {
      why = e.what();
    }
  }
  throw std::runtime_error("no node of the Redis cluster answers " + joined(argv) + " (" + why +
                           ")");
}

// One line of CLUSTER NODES: "<id> <ip:port@bus-port> <flags> <master id or -> ...".
struct NodeLine {
  std::string id;
  uint16_t port = 0;
  std::string flags;
  std::string master_id;
};

std::vector<NodeLine> parse_nodes(const std::string& text) {
  std::vector<NodeLine> nodes;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::vector<std::string> fields;
    for (size_t at = start; at < end;) {
      size_t space = std::min(text.find(' ', at), end);
      if (space > at) fields.push_back(text.substr(at, space - at));
      at = space + 1;
    }
    start = end + 1;
    if (fields.size() < 4) continue;
    const std::string& addr = fields[1];  // "127.0.0.1:7000@17000", maybe ",hostname" after
    const size_t bus = addr.find('@');
    const size_t colon = addr.rfind(':', bus);
    if (bus == std::string::npos || colon == std::string::npos) continue;
    nodes.push_back({fields[0],
                     static_cast<uint16_t>(std::stoi(addr.substr(colon + 1, bus - colon - 1))),
                     fields[2], fields[3]});
  }
  return nodes;
}

// Polls `missing` every 50 ms until it answers "" (else it says what is still missing, or
// throws, e.g. for a node not answering yet); throws with its last answer after kTimeout.
// Polled: gossip, failure detection and a replica's sync have no event a test can wait on.
void wait_until(const std::string& failure, const std::function<std::string()>& missing) {
  const auto deadline = std::chrono::steady_clock::now() + kTimeout;
  for (;;) {
    std::string why;
    try {
      why = missing();
    } catch (const std::exception& e) {
      why = e.what();
    }
    if (why.empty()) return;
    if (std::chrono::steady_clock::now() > deadline) {
      throw std::runtime_error(failure + " within 30 s: " + why);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

// Why the new cluster is not ready yet, "" once it is: every node says cluster_state:ok
// and has the same three ranges, covering every slot, each with one replica, and every
// replica is in sync.
std::string not_formed(const std::vector<uint16_t>& ports) {
  std::vector<SlotRange> first_map;
  for (uint16_t port : ports) {
    RedisSync sync(port);
    const std::string state = cluster_state(sync);
    if (state != "ok") return "node " + std::to_string(port) + " says cluster_state:" + state;
    std::vector<SlotRange> map = parse_slots(sync.command({"CLUSTER", "SLOTS"}));
    if (port == ports.front()) {
      first_map = std::move(map);
    } else if (map != first_map) {
      return "nodes " + std::to_string(ports.front()) + " and " + std::to_string(port) +
             " do not agree on the slots yet";
    }
  }
  if (first_map.size() != 3) return std::to_string(first_map.size()) + " slot ranges, not 3";
  int covered = 0;
  for (const auto& range : first_map) {
    covered += range.last - range.first + 1;
    if (range.replicas.size() != 1) {
      return "the master on port " + std::to_string(range.master) + " has " +
             std::to_string(range.replicas.size()) + " replicas, not 1";
    }
  }
  if (covered != RedisClusterNodes::kSlots) return std::to_string(covered) + " slots covered";
  for (const auto& range : first_map) {
    const std::string link = master_link_status(range.replicas.front());
    if (link != "up") {
      return "replica " + std::to_string(range.replicas.front()) +
             " says master_link_status:" + link;
    }
  }
  return "";
}

}  // namespace

RedisClusterNodes::RedisClusterNodes() {
  RedisServer::Options options;
  options.cluster = true;
  options.extra_args = {
      // A master unreachable for 2 s is failing.
      "--cluster-node-timeout", "2000",
      // Its replica takes over however long it has been cut off from it: here a kill is
      // the only cause.
      "--cluster-replica-validity-factor", "0",
      // A master starts a replica's full sync at once instead of waiting 5 s (the default)
      // for more replicas to share it, which would add 5 s to forming the cluster and to
      // each restart.
      "--repl-diskless-sync-delay", "0",
      // CLUSTER SLOTS (Redis 7.0) leaves out a replica whose replication offset is still 0,
      // and an idle master moves it only with its PING to the replicas, every 10 s by
      // default: the new cluster would take 10 s to show its replicas.
      "--repl-ping-replica-period", "1"};
  for (int i = 0; i < kNodes; ++i) {
    nodes_.push_back(std::make_unique<RedisServer>(options));
    ports_.push_back(nodes_.back()->port());
  }

  // redis-cli assigns the slots, the config epochs and the replicas, and introduces the
  // nodes, without a prompt (--cluster-yes); it returns once they agree on the slots, not
  // yet on the replicas, hence the wait below.
  Subprocess::Options cli;
  cli.argv = {"redis-cli", "--cluster", "create"};
  for (uint16_t port : ports_) cli.argv.push_back(address(port));
  for (const char* arg : {"--cluster-replicas", "1", "--cluster-yes"}) cli.argv.push_back(arg);
  // With a TERM naming an xterm it colours its output, which the exception below carries.
  cli.env_unset = {"TERM"};
  Subprocess create(std::move(cli));
  // It waits for the nodes to agree with no deadline of its own.
  const std::optional<int> code = create.wait_for_exit(kTimeout);
  if (!code || *code != 0) {
    throw std::runtime_error(
        "redis-cli --cluster create " +
        (code ? "failed (exit " + std::to_string(*code) + ")" : std::string("hung")) + ": " +
        create.stdout_text() + create.stderr_text());
  }
  wait_until("the Redis cluster did not form", [&] { return not_formed(ports_); });
}

RedisClusterNodes::~RedisClusterNodes() = default;

RedisServer& RedisClusterNodes::node(uint16_t port) {
  for (auto& node : nodes_) {
    if (node->port() == port) return *node;
  }
  throw std::runtime_error("no node of the Redis cluster on port " + std::to_string(port));
}

std::vector<uint16_t> RedisClusterNodes::live_ports() const {
  std::vector<uint16_t> ports;
  for (const auto& node : nodes_) {
    if (node->running()) ports.push_back(node->port());
  }
  return ports;
}

std::vector<uint16_t> RedisClusterNodes::master_ports() {
  std::vector<uint16_t> masters;
  for (const auto& range : parse_slots(ask_live_node(live_ports(), {"CLUSTER", "SLOTS"}))) {
    if (std::count(masters.begin(), masters.end(), range.master) == 0) {
      masters.push_back(range.master);
    }
  }
  return masters;
}

int RedisClusterNodes::slot_for_key(const std::string& key) {
  return static_cast<int>(ask_live_node(live_ports(), {"CLUSTER", "KEYSLOT", key}).integer);
}

uint16_t RedisClusterNodes::port_for_slot(int slot) {
  if (slot < 0 || slot >= kSlots) throw std::runtime_error("no slot " + std::to_string(slot));
  const uint16_t port = owner(parse_slots(ask_live_node(live_ports(), {"CLUSTER", "SLOTS"})), slot);
  if (port == 0) throw std::runtime_error("no master serves slot " + std::to_string(slot));
  return port;
}

uint16_t RedisClusterNodes::port_for_key(const std::string& key) {
  return port_for_slot(slot_for_key(key));
}

uint16_t RedisClusterNodes::replica_of(uint16_t master_port) {
  // CLUSTER NODES, not CLUSTER SLOTS: the latter leaves out a failed replica.
  const auto nodes = parse_nodes(ask_live_node(live_ports(), {"CLUSTER", "NODES"}).str);
  const auto master = std::find_if(nodes.begin(), nodes.end(),
                                   [&](const NodeLine& node) { return node.port == master_port; });
  uint16_t replica = 0;
  if (master != nodes.end()) {
    for (const auto& node : nodes) {
      if (node.master_id != master->id) continue;
      // One that is up rather than one that is failing, should there be both.
      if (replica == 0 || node.flags.find("fail") == std::string::npos) replica = node.port;
    }
  }
  if (replica == 0) {
    throw std::runtime_error("the node on port " + std::to_string(master_port) + " has no replica");
  }
  return replica;
}

void RedisClusterNodes::kill_master(uint16_t port) {
  const auto masters = master_ports();
  if (std::count(masters.begin(), masters.end(), port) == 0) {
    throw std::runtime_error("kill_master: the node on port " + std::to_string(port) +
                             " is not a master");
  }
  replica_before_kill_[port] = replica_of(port);
  node(port).kill();
}

uint16_t RedisClusterNodes::wait_for_failover(uint16_t dead_master_port) {
  const auto known = replica_before_kill_.find(dead_master_port);
  if (known == replica_before_kill_.end()) {
    throw std::runtime_error("wait_for_failover: port " + std::to_string(dead_master_port) +
                             " was not killed with kill_master");
  }
  const uint16_t heir = known->second;
  const std::string dead = std::to_string(dead_master_port);
  wait_until("the replica on port " + std::to_string(heir) + " did not take over from " + dead,
             [&]() -> std::string {
               if (role_of(heir) != "master") return "it is still a replica";
               // A node that has not heard of the failure yet may still say ok: it must also
               // have the new master serving the slots.
               for (uint16_t port : live_ports()) {
                 RedisSync sync(port);
                 const std::string state = cluster_state(sync);
                 const std::string node = "node " + std::to_string(port);
                 if (state != "ok") return node + " says cluster_state:" + state;
                 for (const auto& range : parse_slots(sync.command({"CLUSTER", "SLOTS"}))) {
                   if (range.master == dead_master_port) {
                     return node + " still has " + dead + " serving slots " +
                            std::to_string(range.first) + "-" + std::to_string(range.last);
                   }
                 }
               }
               return "";
             });
  return heir;
}

void RedisClusterNodes::restart(uint16_t port) {
  node(port).start();
  const std::string name = "node " + std::to_string(port);
  wait_until(name + " did not rejoin the cluster", [&]() -> std::string {
    RedisSync self(port);
    const std::string state = cluster_state(self);
    if (state != "ok") return "it says cluster_state:" + state;
    // Each live node, itself included, lists it in the same role: a failed-over master that
    // still takes itself for the master of its old slots does not count.
    std::string role;
    for (uint16_t live : live_ports()) {
      const std::string seen = role_in(slots_seen_by(live), port);
      const std::string by = "node " + std::to_string(live);
      if (seen.empty()) return by + " leaves it out of CLUSTER SLOTS";
      if (!role.empty() && seen != role) return by + " has it as " + seen + ", another as " + role;
      role = seen;
    }
    if (role == "replica") {
      const std::string link = master_link_status(port);
      if (link != "up") return "its master_link_status is " + link;
    }
    return "";
  });
}

void RedisClusterNodes::move_slot(int slot, uint16_t to_port) {
  begin_slot_migration(slot, to_port);
  finish_slot_migration(slot, to_port);
}

void RedisClusterNodes::begin_slot_migration(int slot, uint16_t to_port) {
  const uint16_t from_port = port_for_slot(slot);
  const std::string s = std::to_string(slot);
  if (from_port == to_port) {
    throw std::runtime_error("port " + std::to_string(to_port) + " already serves slot " + s);
  }
  // The target first, so it accepts the keys (and the ASKING clients) by the time the
  // source starts sending them there.
  expect_ok(to_port, {"CLUSTER", "SETSLOT", s, "IMPORTING", node_id(from_port)});
  expect_ok(from_port, {"CLUSTER", "SETSLOT", s, "MIGRATING", node_id(to_port)});
}

void RedisClusterNodes::finish_slot_migration(int slot, uint16_t to_port) {
  const uint16_t from_port = port_for_slot(slot);
  const std::string s = std::to_string(slot);
  const std::string to = std::to_string(to_port);
  if (from_port == to_port) throw std::runtime_error("port " + to + " already serves slot " + s);

  // The keys in batches, as redis-cli --cluster reshard moves them.
  RedisSync source(from_port);
  for (;;) {
    const redis::Reply keys = source.command({"CLUSTER", "GETKEYSINSLOT", s, "100"});
    if (keys.is_error()) throw std::runtime_error("CLUSTER GETKEYSINSLOT " + s + ": " + keys.str);
    if (keys.elements.empty()) break;
    std::vector<std::string> migrate = {"MIGRATE", "127.0.0.1", to, "", "0", "5000", "KEYS"};
    for (const auto& key : keys.elements) migrate.push_back(key.str);
    const redis::Reply reply = source.command(migrate);
    if (reply.is_error()) {
      throw std::runtime_error("MIGRATE of slot " + s + " from port " + std::to_string(from_port) +
                               " to " + to + ": " + reply.str);
    }
  }

  // Every master is told, the target first, then the source (which then answers MOVED
  // instead of ASK), rather than left to learn it by gossip, later.
  std::vector<uint16_t> masters = {to_port, from_port};
  for (uint16_t port : master_ports()) {
    if (std::count(masters.begin(), masters.end(), port) == 0) masters.push_back(port);
  }
  const std::string to_id = node_id(to_port);
  for (uint16_t port : masters) {
    if (node(port).running()) expect_ok(port, {"CLUSTER", "SETSLOT", s, "NODE", to_id});
  }
  // Replicas learn it from their masters' heartbeats.
  wait_until("slot " + s + " did not move to port " + to, [&]() -> std::string {
    for (uint16_t port : live_ports()) {
      const uint16_t seen = owner(slots_seen_by(port), slot);
      if (seen != to_port) {
        return "node " + std::to_string(port) + " has " + std::to_string(seen) + " serving it";
      }
    }
    return "";
  });
}

std::string RedisClusterNodes::daemon_redis_fields() const {
  std::string fields = "cluster {";
  for (uint16_t port : ports_) fields += " addresses: \"" + address(port) + "\"";
  return fields + " }";
}

}  // namespace tocsin::testing
