#include "redis/cluster_client.h"

#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>

#include "log/log.h"
#include "redis/cluster_resend.h"
#include "redis/cluster_routing.h"
#include "redis/one_shot.h"

namespace tocsin::redis {
namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

// How often the map is read again while every master is up: a slot moved by a sysadmin
// with no command of ours to meet the MOVED is learnt within this.
constexpr std::chrono::seconds kRefreshWhileUp{10};
// Redirections one command may follow (a map changing under it twice is already rare).
constexpr int kMaxHops = 5;
// A node answering TRYAGAIN (a multi-key command while its slot migrates) is asked again
// after this.
constexpr std::chrono::milliseconds kTryAgainDelay{25};

}  // namespace

struct ClusterClient::Node {
  Endpoint endpoint;
  std::unique_ptr<Client> client;  // destroyed: its connection closes, its loop ends
  Clock::time_point created = Clock::now();
};

ClusterClient::ClusterClient(asio::any_io_executor executor, Options options)
    : executor_(std::move(executor)), options_(std::move(options)), refresh_signal_(executor_) {}

ClusterClient::~ClusterClient() {
  on_change_ = nullptr;
  stop();
}

asio::awaitable<void> ClusterClient::run() {
  auto self = shared_from_this();
  if (running_) {
    spdlog::error("event=redis_run_twice endpoint={}", log::quote(where()));
    co_return;
  }
  running_ = true;
  auto delay = options_.reconnect_min_delay;
  while (!stopped_) {
    const bool read = co_await refresh_map();
    if (stopped_) break;
    if (read && !connected_ && all_masters_up()) {
      // As a single Redis's client does before it counts as connected.
      for (const Command& command : on_connect_) {
        auto reply = co_await exec(command);
        if (reply && reply->is_error()) {
          spdlog::error("event=redis_on_connect_failed command={} error={}", command.front(),
                        log::quote(reply->str));
        }
      }
      if (!stopped_ && all_masters_up()) {
        connected_ = true;
        ++connections_;
        spdlog::info("event=redis_connected endpoint={} reconnects={}", log::quote(where()),
                     connections_ - 1);
        notify(true);
      }
    }
    if (connected_) delay = options_.reconnect_min_delay;
    if (!refresh_requested_) {
      refresh_signal_.expires_after(connected_ ? std::chrono::milliseconds(kRefreshWhileUp)
                                               : delay);
      boost::system::error_code ignored;
      co_await refresh_signal_.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
    }
    refresh_requested_ = false;
    if (!connected_) delay = std::min(delay * 2, options_.reconnect_max_delay);
  }
  running_ = false;
  spdlog::info("event=redis_stopped endpoint={}", log::quote(where()));
}

// Reads the slot map from a connected master, else from each seed and known node in turn
// on a connection of its own. False when none answered with one.
asio::awaitable<bool> ClusterClient::refresh_map() {
  std::string reasons;
  const Command slots{"CLUSTER", "SLOTS"};
  const std::vector<NodePtr> masters = by_master_;  // adopt() may change it meanwhile
  for (const NodePtr& node : masters) {
    if (!node->client->connected()) continue;
    auto reply = co_await node->client->exec(slots);
    if (!reply || stopped_) continue;
    std::string why;
    auto map = ClusterMap::parse(*reply, node->endpoint, &why);
    if (map) {
      adopt(std::move(*map), node->endpoint.describe());
      co_return true;
    }
    reasons += (reasons.empty() ? "" : "; ") + why;
  }
  std::vector<Endpoint> ask = options_.cluster->seeds;
  for (const NodePtr& node : nodes_) {
    if (std::none_of(ask.begin(), ask.end(),
                     [&](const Endpoint& e) { return same_node(e, node->endpoint); })) {
      ask.push_back(node->endpoint);
    }
  }
  const std::string& password =
      options_.password.empty() ? options_.endpoint.password : options_.password;
  for (const Endpoint& endpoint : ask) {
    if (stopped_) co_return false;
    std::string why;
    auto reply =
        co_await ask_once(executor_, endpoint, password, slots, options_.connect_timeout, &why);
    if (reply) {
      auto map = ClusterMap::parse(*reply, endpoint, &why);
      if (map) {
        adopt(std::move(*map), endpoint.describe());
        co_return true;
      }
    }
    reasons += (reasons.empty() ? "" : "; ") + why;
  }
  if (!stopped_) {
    spdlog::warn("event=redis_cluster_map_failed reason={} retry_in_ms={}", log::quote(reasons),
                 options_.reconnect_max_delay.count());
  }
  co_return false;
}

void ClusterClient::adopt(ClusterMap map, const std::string& from) {
  if (map_ && *map_ == map) return;
  const int unserved = map.unserved_slots();
  std::string masters;
  for (const Endpoint& master : map.masters())
    masters += (masters.empty() ? "" : ",") + master.describe();
  spdlog::info("event=redis_cluster_map from={} masters={} unserved_slots={}", log::quote(from),
               log::quote(masters), unserved);
  map_ = std::move(map);
  align_nodes();
  // Nodes that serve no slot any more (a master that failed and came back a replica) go.
  std::erase_if(nodes_, [&](const NodePtr& node) {
    return std::none_of(by_master_.begin(), by_master_.end(),
                        [&](const NodePtr& master) { return master == node; });
  });
}

void ClusterClient::align_nodes() {
  by_master_.clear();
  for (const Endpoint& master : map_->masters()) by_master_.push_back(node_at(master));
}

// The node at `endpoint`, made (and its loop started) the first time.
ClusterClient::NodePtr ClusterClient::node_at(const Endpoint& endpoint) {
  for (const NodePtr& node : nodes_) {
    if (same_node(node->endpoint, endpoint)) return node;
  }
  auto node = std::make_shared<Node>();
  node->endpoint = endpoint;
  Options single = options_;
  single.cluster.reset();
  single.sentinel.reset();
  single.endpoint = endpoint;
  single.endpoint.password = options_.endpoint.password;
  single.endpoint.db = 0;
  node->client = std::make_unique<Client>(executor_, std::move(single));
  for (const Script& script : scripts_) node->client->load_on_connect(script);
  node->client->on_connection_change([weak = weak_from_this()](bool up) {
    if (auto self = weak.lock()) self->node_changed(up);
  });
  asio::co_spawn(executor_, node->client->run(), asio::detached);
  nodes_.push_back(node);
  return node;
}

void ClusterClient::node_changed(bool up) {
  wake_waiters();
  if (!up && connected_) {
    connected_ = false;
    spdlog::warn("event=redis_disconnected endpoint={} reason={}", log::quote(where()),
                 log::quote("a master's connection was lost"));
    notify(false);
  }
  // Lost: the map is asked again (a failover promotes a replica). Up: run() checks whether
  // every master is up now.
  request_refresh();
}

bool ClusterClient::all_masters_up() const {
  if (!map_ || map_->unserved_slots() > 0 || by_master_.empty()) return false;
  return std::all_of(by_master_.begin(), by_master_.end(),
                     [](const NodePtr& node) { return node->client->connected(); });
}

// The master of `slot` (any connected master for -1). A master found moments ago is given
// its connect timeout to connect; one that has been down longer is not waited for.
asio::awaitable<ClusterClient::NodePtr> ClusterClient::node_for(int slot) {
  if (!map_) co_return nullptr;
  NodePtr node;
  if (slot < 0) {
    for (const NodePtr& master : by_master_) {
      if (master->client->connected()) co_return master;
    }
    if (by_master_.empty()) co_return nullptr;
    node = by_master_.front();
  } else {
    const uint16_t index = map_->master_of(slot);
    if (index == ClusterMap::kNoNode) co_return nullptr;
    node = by_master_[index];
  }
  co_await wait_until_up(node);
  co_return node;
}

asio::awaitable<void> ClusterClient::wait_until_up(NodePtr node) {
  const auto deadline = node->created + options_.connect_timeout;
  while (!stopped_ && !node->client->connected() && Clock::now() < deadline) {
    auto timer = std::make_shared<asio::steady_timer>(executor_, deadline);
    waiters_.push_back(timer);
    boost::system::error_code ignored;
    co_await timer->async_wait(asio::redirect_error(asio::use_awaitable, ignored));
  }
}

void ClusterClient::wake_waiters() {
  for (auto& weak : waiters_) {
    if (auto timer = weak.lock()) timer->cancel();
  }
  waiters_.clear();
}

asio::awaitable<void> ClusterClient::pause(std::chrono::milliseconds delay) {
  asio::steady_timer timer(executor_, delay);
  boost::system::error_code ignored;
  co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
}

// Where a redirection points: for MOVED the map is corrected (and read again whole soon,
// since a slot seldom moves alone), for ASK only this command goes there.
asio::awaitable<ClusterClient::NodePtr> ClusterClient::follow(const Redirection& redirection) {
  ++redirections_;
  if (redirection.kind == Redirection::Kind::moved && map_) {
    map_->move(redirection.slot, redirection.node);
    align_nodes();
    request_refresh();
  }
  NodePtr node = node_at(redirection.node);
  co_await wait_until_up(node);
  co_return node;
}

asio::awaitable<Result<Reply>> ClusterClient::exec(Command command) {
  if (stopped_) co_return Errc::stopped;
  const auto key = routing_key(command);
  const int slot = key ? key_slot(*key) : -1;
  co_return co_await send(slot, std::move(command));
}

asio::awaitable<Result<Reply>> ClusterClient::send(int slot, Command command) {
  NodePtr node = co_await node_for(slot);
  bool asking = false;
  for (int hop = 0;; ++hop) {
    if (stopped_) co_return Errc::stopped;
    if (!node) {
      request_refresh();
      co_return Errc::not_connected;
    }
    Result<Reply> reply = make_error_code(Errc::not_connected);
    if (asking) {
      std::vector<Command> both{{"ASKING"}, command};
      auto replies = co_await node->client->exec_pipeline(std::move(both));
      if (replies) {
        reply = std::move((*replies)[1]);
      } else {
        reply = replies.error();
      }
    } else {
      reply = co_await node->client->exec(command);
    }
    if (!reply) {
      request_refresh();
      co_return reply;
    }
    if (is_cluster_down(*reply)) {
      request_refresh();
      co_return Errc::not_connected;  // nothing ran: a cluster that is down refuses all
    }
    if (hop >= kMaxHops) co_return reply;
    if (is_try_again(*reply)) {
      co_await pause(kTryAgainDelay);
      asking = false;
      continue;
    }
    if (!is_redirection(*reply)) co_return reply;
    auto redirection = parse_redirection(reply->str, node->endpoint.host);
    if (!redirection) co_return reply;
    asking = redirection->kind == Redirection::Kind::ask;
    node = co_await follow(*redirection);
  }
}

asio::awaitable<Result<std::vector<Reply>>> ClusterClient::exec_pipeline(
    std::vector<Command> commands) {
  if (stopped_) co_return Errc::stopped;
  for (const Command& command : commands) {
    if (command.empty()) {
      Reply refused;
      refused.type = Reply::Type::error;
      refused.str = "ERR empty command in pipeline";
      co_return std::vector<Reply>(commands.size(), refused);
    }
  }
  std::vector<Reply> replies(commands.size());
  bool sent_before = false;
  for (const PipelineGroup& group : plan_pipeline(commands)) {
    std::vector<Command> part(
        std::make_move_iterator(commands.begin() + group.first),
        std::make_move_iterator(commands.begin() + group.first + group.count));
    auto answered = co_await send_group(group.slot, std::move(part));
    if (!answered) {
      // "Nothing was sent" holds for this group only: the groups before it have run.
      if (sent_before && answered.error() == Errc::not_connected) co_return Errc::connection_lost;
      co_return answered.error();
    }
    sent_before = true;
    std::move(answered->begin(), answered->end(), replies.begin() + group.first);
  }
  co_return replies;
}

// One group of one slot. The commands redirected (all of them after MOVED; those whose keys
// had already left after ASK) go again to the node named, in their order; a transaction
// goes again whole.
asio::awaitable<Result<std::vector<Reply>>> ClusterClient::send_group(
    int slot, std::vector<Command> commands) {
  NodePtr node = co_await node_for(slot);
  std::vector<Reply> replies(commands.size());
  std::vector<size_t> pending(commands.size());  // indices in `commands` still to answer
  for (size_t i = 0; i < pending.size(); ++i) pending[i] = i;
  bool asking = false;
  for (int hop = 0;; ++hop) {
    if (stopped_) co_return Errc::stopped;
    if (!node) {
      request_refresh();
      co_return Errc::not_connected;
    }
    Outgoing out = outgoing(commands, pending, asking);
    auto sent = co_await node->client->exec_pipeline(std::move(out.commands));
    if (!sent) {
      request_refresh();
      co_return sent.error();
    }
    Verdict verdict = judge(commands, out.origin, *sent, node->endpoint.host);
    for (size_t k = 0; k < sent->size(); ++k) {
      if (out.origin[k] != kAsking) replies[out.origin[k]] = std::move((*sent)[k]);
    }
    if (verdict.cluster_down) {
      request_refresh();
      // Some of the group may have run before the cluster went down: "may have run".
      co_return Errc::connection_lost;
    }
    if (verdict.again.empty() || hop >= kMaxHops) co_return replies;
    pending = std::move(verdict.again);
    if (verdict.redirection) {
      asking = verdict.redirection->kind == Redirection::Kind::ask;
      node = co_await follow(*verdict.redirection);
    } else if (verdict.try_again) {
      asking = false;
      co_await pause(kTryAgainDelay);
    } else {
      co_return replies;  // an unparsable redirection: the caller sees the error reply
    }
  }
}

asio::awaitable<Result<Reply>> ClusterClient::eval(Script script, std::vector<std::string> keys,
                                                   std::vector<std::string> args) {
  if (stopped_) co_return Errc::stopped;
  const int slot = keys.empty() ? -1 : key_slot(keys.front());
  NodePtr node = co_await node_for(slot);
  for (int hop = 0;; ++hop) {
    if (!node) {
      request_refresh();
      co_return Errc::not_connected;
    }
    // The node's client loads the script when the node does not know it (NOSCRIPT).
    auto reply = co_await node->client->eval(script, keys, args);
    if (!reply) {
      request_refresh();
      co_return reply;
    }
    if (is_cluster_down(*reply)) {
      request_refresh();
      co_return Errc::not_connected;
    }
    if (hop >= kMaxHops || !is_redirection(*reply)) co_return reply;
    auto redirection = parse_redirection(reply->str, node->endpoint.host);
    if (!redirection) co_return reply;
    if (redirection->kind == Redirection::Kind::moved) {
      node = co_await follow(*redirection);
      continue;
    }
    // ASK: once, by its text (EVAL loads it there too), after ASKING.
    Command eval{"EVAL", script.source(), std::to_string(keys.size())};
    eval.insert(eval.end(), keys.begin(), keys.end());
    eval.insert(eval.end(), args.begin(), args.end());
    co_return co_await send(slot, std::move(eval));
  }
}

void ClusterClient::load_on_connect(const Script& script) {
  for (const Script& known : scripts_) {
    if (known.sha1() == script.sha1()) return;
  }
  scripts_.push_back(script);
  for (const NodePtr& node : nodes_) node->client->load_on_connect(script);
}

void ClusterClient::run_on_connect(Command command) {
  if (std::find(on_connect_.begin(), on_connect_.end(), command) != on_connect_.end()) return;
  on_connect_.push_back(std::move(command));
}

asio::awaitable<void> ClusterClient::wait_for_replicas() {
  std::vector<NodePtr> masters = by_master_;
  for (const NodePtr& node : masters) {
    if (node->client->connected()) co_await node->client->wait_for_replicas();
  }
}

void ClusterClient::stop() {
  if (stopped_) return;
  stopped_ = true;
  connected_ = false;
  for (const NodePtr& node : nodes_) node->client->stop();
  refresh_signal_.cancel();
  wake_waiters();
}

std::string ClusterClient::where() const {
  std::string where = "cluster of";
  if (map_) {
    for (const Endpoint& master : map_->masters()) where += " " + master.describe();
  } else {
    where += " seeds";
    for (const Endpoint& seed : options_.cluster->seeds) where += " " + seed.describe();
  }
  return where;
}

void ClusterClient::notify(bool up) {
  if (!on_change_) return;
  try {
    on_change_(up);
  } catch (const std::exception& e) {
    spdlog::error("event=redis_connection_callback_failed error={}", log::quote(e.what()));
  }
}

}  // namespace tocsin::redis
