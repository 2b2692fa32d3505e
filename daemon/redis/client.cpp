#include "redis/client.h"

#include <spdlog/spdlog.h>

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>

#include "log/log.h"
#include "redis/cluster_client.h"
#include "redis/connection.h"
#include "redis/pending_calls.h"
#include "redis/sentinel.h"

namespace tocsin::redis {
namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

// How often a Redis still loading its data set is asked whether it is done.
constexpr std::chrono::milliseconds kLoadingPollInterval{100};

// INFO persistence says "loading:1" while Redis reads its RDB or AOF after a start; it
// answers nearly every other command with a LOADING error until then.
bool still_loading(const Reply& reply) {
  if (reply.is_error()) return reply.str.starts_with("LOADING");
  return reply.str.find("loading:1") != std::string::npos;
}

Reply error_reply(std::string message) {
  Reply reply;
  reply.type = Reply::Type::error;
  reply.str = std::move(message);
  return reply;
}

}  // namespace

struct Client::Impl : std::enable_shared_from_this<Impl> {
  Impl(asio::any_io_executor executor, Options options)
      : executor_(std::move(executor)),
        options_(std::move(options)),
        target_(options_.endpoint),
        signal_(executor_),
        watchdog_(executor_) {}

  ~Impl() { close_connection("client destroyed", Errc::stopped); }

  asio::awaitable<void> run();
  asio::awaitable<std::string> connect();
  asio::awaitable<std::string> handshake(std::shared_ptr<Connection> conn, Command command,
                                         std::string what);
  asio::awaitable<std::string> wait_until_loaded(std::shared_ptr<Connection> conn);
  asio::awaitable<std::string> check_master(std::shared_ptr<Connection> conn);
  // With Sentinel: a write refused with READONLY means the master was demoted; the
  // connection goes, and the next one asks the sentinels again.
  void leave_if_demoted(const std::shared_ptr<Connection>& conn, const Reply& reply);
  // What the log calls this client's Redis: the endpoint, or the master it found.
  std::string where() const;
  asio::awaitable<std::string> supervise();
  void stop();

  asio::awaitable<Result<Reply>> exec(Command command);
  asio::awaitable<Result<std::vector<Reply>>> exec_pipeline(std::vector<Command> commands);
  asio::awaitable<Result<Reply>> eval(Script script, std::vector<std::string> keys,
                                      std::vector<std::string> args);

  // Sends on `conn` whatever the client state (the handshake runs before connected_).
  template <class Token>
  auto async_send(std::shared_ptr<Connection> conn, const Command& command, Token&& token) {
    return asio::async_initiate<Token, void(Result<Reply>)>(
        [this, conn = std::move(conn), &command](auto handler) {
          using Handler = decltype(handler);
          conn->send(command, std::make_unique<SingleCall<Handler>>(std::move(handler), executor_));
        },
        token);
  }

  template <class Token>
  auto async_send_all(std::shared_ptr<Connection> conn, const std::vector<Command>& commands,
                      Token&& token) {
    return asio::async_initiate<Token, void(Result<std::vector<Reply>>)>(
        [this, conn = std::move(conn), &commands](auto handler) {
          using Handler = decltype(handler);
          auto state = std::make_shared<PipelineState<Handler>>(std::move(handler), executor_,
                                                                commands.size());
          if (commands.empty()) {
            state->finish();
            return;
          }
          for (size_t i = 0; i < commands.size(); ++i) {
            conn->send(commands[i], std::make_unique<PipelineCall<Handler>>(state, i));
          }
        },
        token);
  }

  asio::awaitable<void> wait_for_signal(Clock::time_point deadline);
  void wake() { signal_.cancel(); }
  void arm_watchdog(const std::shared_ptr<Connection>& conn, Clock::time_point deadline,
                    std::string reason, bool progress_counts = false);
  void disarm_watchdog();
  void close_connection(std::string reason, std::error_code pending_error);
  void notify(bool up);

  asio::any_io_executor executor_;
  Options options_;
  std::vector<Script> scripts_;
  std::vector<Command> on_connect_;
  std::function<void(bool)> on_change_;
  std::shared_ptr<Connection> conn_;
  Endpoint target_;  // the endpoint of conn_ (with Sentinel, the master found)
  bool connected_ = false;
  bool stopped_ = false;
  bool running_ = false;
  uint64_t connections_ = 0;
  // run() sleeps on signal_ (backoff, health interval, connect); cancel() wakes it early
  // when the connection changes or stop() is called.
  asio::steady_timer signal_;
  // Drops a connection whose connect or command hangs. The generation tells a stale
  // expiry (already queued when re-armed) from the current one.
  asio::steady_timer watchdog_;
  uint64_t watchdog_generation_ = 0;
  // wait_for_replicas() skips WAIT until then, after replicas fell short.
  Clock::time_point wait_skipped_until_{};
};

asio::awaitable<void> Client::Impl::run() {
  auto self = shared_from_this();  // the loop outlives a destroyed Client
  if (running_) {
    spdlog::error("event=redis_run_twice endpoint={}", log::quote(where()));
    co_return;
  }
  running_ = true;
  auto delay = options_.reconnect_min_delay;
  while (!stopped_) {
    std::string why = co_await connect();
    if (why.empty()) {
      connected_ = true;
      ++connections_;
      delay = options_.reconnect_min_delay;
      spdlog::info("event=redis_connected endpoint={} reconnects={}", log::quote(where()),
                   connections_ - 1);
      notify(true);
      why = co_await supervise();
      connected_ = false;
      close_connection(why, Errc::connection_lost);
      notify(false);
      if (!stopped_) {
        spdlog::warn("event=redis_disconnected endpoint={} reason={} retry_in_ms={}",
                     log::quote(where()), log::quote(why), delay.count());
      }
    } else {
      close_connection(why, Errc::connection_lost);
      if (!stopped_) {
        spdlog::warn("event=redis_connect_failed endpoint={} reason={} retry_in_ms={}",
                     log::quote(where()), log::quote(why), delay.count());
      }
    }
    auto until = Clock::now() + delay;
    while (!stopped_ && Clock::now() < until) co_await wait_for_signal(until);
    delay = std::min(delay * 2, options_.reconnect_max_delay);
  }
  close_connection("stopped", Errc::stopped);
  running_ = false;
  spdlog::info("event=redis_stopped endpoint={}", log::quote(where()));
}

// Connects, then AUTH and SELECT within connect_timeout; waits, however long it takes,
// while Redis loads its data after a restart (each poll answered within command_timeout);
// then SCRIPT LOAD within connect_timeout. Returns an empty string on success, else why
// it failed.
asio::awaitable<std::string> Client::Impl::connect() {
  std::weak_ptr<Impl> weak = shared_from_this();
  if (options_.sentinel) {
    std::string why;
    auto master =
        co_await ask_sentinels(executor_, *options_.sentinel, options_.connect_timeout, &why);
    if (stopped_) co_return std::string("stopped");
    if (!master) co_return why;
    master->db = options_.endpoint.db;
    master->password = options_.endpoint.password;
    if (master->host != target_.host || master->port != target_.port) {
      spdlog::info("event=redis_master_found master={} name={}", log::quote(master->describe()),
                   log::quote(options_.sentinel->master_name));
    }
    target_ = *master;
  }
  conn_ = Connection::open(executor_, target_, [weak] {
    if (auto self = weak.lock()) self->wake();
  });
  auto conn = conn_;
  if (conn->state() == Connection::State::closed) co_return std::string(conn->close_reason());

  arm_watchdog(conn, Clock::now() + options_.connect_timeout, "connect timeout");
  while (!stopped_ && conn->state() == Connection::State::connecting) {
    co_await wait_for_signal(Clock::time_point::max());
  }

  std::string why;
  const std::string& password =
      options_.password.empty() ? options_.endpoint.password : options_.password;
  if (stopped_) {
    why = "stopped";
  } else if (conn->state() != Connection::State::connected) {
    why = conn->close_reason();
  } else if (!password.empty()) {
    // (Commands are built outside co_await: g++ 12 miscompiles braced lists inside one.)
    Command auth{"AUTH", password};
    why = co_await handshake(conn, std::move(auth), "AUTH");
  }
  if (why.empty() && options_.endpoint.db != 0) {
    Command select{"SELECT", std::to_string(options_.endpoint.db)};
    why = co_await handshake(conn, std::move(select), "SELECT");
  }
  if (why.empty() && options_.sentinel) why = co_await check_master(conn);
  // The wait protects the script loads (and the daemon's readiness, which follows them); a
  // client with no script learns of LOADING from its commands' errors, as before.
  if (why.empty() && (!scripts_.empty() || !on_connect_.empty())) {
    why = co_await wait_until_loaded(conn);
  }
  if (why.empty()) arm_watchdog(conn, Clock::now() + options_.connect_timeout, "connect timeout");
  for (size_t i = 0; why.empty() && i < scripts_.size(); ++i) {
    Command load{"SCRIPT", "LOAD", scripts_[i].source()};
    auto reply = co_await async_send(conn, load, asio::use_awaitable);
    if (!reply) {
      why = stopped_ ? "stopped" : conn->close_reason();
    } else if (still_loading(*reply)) {
      // Loading again (a replica resyncing): try the whole connection again later.
      why = "Redis is loading its data set";
    } else if (reply->is_error()) {
      // A broken script is a bug to fix, not a reason to stay offline: eval() will return
      // the same error to its caller.
      spdlog::error("event=redis_script_load_failed sha1={} error={}", scripts_[i].sha1(),
                    log::quote(reply->str));
    }
  }
  for (size_t i = 0; why.empty() && i < on_connect_.size(); ++i) {
    auto reply = co_await async_send(conn, on_connect_[i], asio::use_awaitable);
    if (!reply) {
      why = stopped_ ? "stopped" : conn->close_reason();
    } else if (reply->is_error()) {
      spdlog::error("event=redis_on_connect_failed command={} error={}", on_connect_[i].front(),
                    log::quote(reply->str));
    }
  }
  disarm_watchdog();
  co_return why;
}

// One step of the handshake: empty on success, else why the connection is no good.
asio::awaitable<std::string> Client::Impl::handshake(std::shared_ptr<Connection> conn,
                                                     Command command, std::string what) {
  auto reply = co_await async_send(conn, command, asio::use_awaitable);
  if (!reply) co_return std::string(stopped_ ? "stopped" : conn->close_reason());
  // The error text is Redis's (e.g. WRONGPASS), never the password we sent.
  if (reply->is_error()) co_return what + " failed: " + reply->str;
  co_return std::string();
}

// A sentinel may name a master that has just been demoted, or one it has not yet seen
// demoted: only a server that says "master" itself is written to.
asio::awaitable<std::string> Client::Impl::check_master(std::shared_ptr<Connection> conn) {
  Command role{"ROLE"};
  auto reply = co_await async_send(conn, role, asio::use_awaitable);
  if (!reply) co_return std::string(stopped_ ? "stopped" : conn->close_reason());
  if (!reports_master(*reply)) {
    co_return "not the master: ROLE says " + log::quote(reported_role(*reply));
  }
  co_return std::string();
}

void Client::Impl::leave_if_demoted(const std::shared_ptr<Connection>& conn, const Reply& reply) {
  if (!options_.sentinel || conn != conn_ || !reply.is_error()) return;
  if (!reply.str.starts_with("READONLY")) return;
  conn->close("the master became a replica (READONLY)", Errc::connection_lost);
  wake();
}

std::string Client::Impl::where() const {
  if (options_.sentinel && target_.host.empty() && !target_.is_unix()) {
    return "master " + options_.sentinel->master_name + " (not found yet)";
  }
  return target_.describe();
}

// Until Redis has loaded its data set (INFO persistence: loading:0): a restarted Redis
// accepts connections at once but refuses scripts and commands with LOADING while it reads
// its RDB or AOF, which for a large roster takes seconds. One info line while waiting, not
// an error per script. Returns an empty string when Redis is ready, else why it failed.
asio::awaitable<std::string> Client::Impl::wait_until_loaded(std::shared_ptr<Connection> conn) {
  const auto started = Clock::now();
  bool announced = false;
  while (!stopped_) {
    arm_watchdog(conn, Clock::now() + options_.command_timeout, "INFO timeout");
    Command info{"INFO", "persistence"};
    auto reply = co_await async_send(conn, info, asio::use_awaitable);
    disarm_watchdog();
    if (!reply) co_return std::string(stopped_ ? "stopped" : conn->close_reason());
    if (!still_loading(*reply)) {
      if (announced) {
        spdlog::info(
            "event=redis_loaded endpoint={} waited_ms={}", log::quote(where()),
            std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count());
      }
      co_return std::string();
    }
    if (!announced) {
      spdlog::info("event=redis_loading endpoint={} poll_ms={}", log::quote(where()),
                   kLoadingPollInterval.count());
      announced = true;
    }
    co_await wait_for_signal(Clock::now() + kLoadingPollInterval);
    if (conn->state() != Connection::State::connected) {
      co_return std::string(stopped_ ? "stopped" : conn->close_reason());
    }
  }
  co_return std::string("stopped");
}

// Pings every health_check_interval until the connection is lost or stop() is called.
// Returns why it ended.
asio::awaitable<std::string> Client::Impl::supervise() {
  auto conn = conn_;
  while (!stopped_ && conn->state() == Connection::State::connected) {
    co_await wait_for_signal(Clock::now() + options_.health_check_interval);
    if (stopped_ || conn->state() != Connection::State::connected) break;
    arm_watchdog(conn, Clock::now() + options_.command_timeout, "health check timeout",
                 /*progress_counts=*/true);
    // With Sentinel, ROLE: a master demoted by a failover keeps its connections open.
    Command check{options_.sentinel ? "ROLE" : "PING"};
    auto reply = co_await async_send(conn, check, asio::use_awaitable);
    disarm_watchdog();
    if (options_.sentinel && reply && !reports_master(*reply) &&
        conn->state() == Connection::State::connected) {
      conn->close("not the master any more: ROLE says " + reported_role(*reply),
                  Errc::connection_lost);
    }
  }
  co_return std::string(stopped_ ? "stopped" : conn->close_reason());
}

void Client::Impl::stop() {
  if (stopped_) return;
  stopped_ = true;
  close_connection("stopped", Errc::stopped);
  disarm_watchdog();
  wake();
}

asio::awaitable<void> Client::Impl::wait_for_signal(Clock::time_point deadline) {
  signal_.expires_at(deadline);
  boost::system::error_code ignored;  // expiry and cancellation both mean "look again"
  co_await signal_.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
}

void Client::Impl::arm_watchdog(const std::shared_ptr<Connection>& conn, Clock::time_point deadline,
                                std::string reason, bool progress_counts) {
  uint64_t generation = ++watchdog_generation_;
  watchdog_.expires_at(deadline);
  watchdog_.async_wait([weak = weak_from_this(), weak_conn = std::weak_ptr<Connection>(conn),
                        generation, reason = std::move(reason), progress_counts,
                        replies = conn->replies()](boost::system::error_code ec) mutable {
    auto self = weak.lock();
    if (ec || !self || generation != self->watchdog_generation_) return;
    auto conn = weak_conn.lock();
    // The PING waits behind commands sent before it (a large import's scripts): while
    // replies keep arriving the server is busy, not gone, so give it another period.
    if (conn && progress_counts && conn->replies() != replies) {
      self->arm_watchdog(conn, Clock::now() + self->options_.command_timeout, std::move(reason),
                         true);
      return;
    }
    if (conn) conn->close(reason, Errc::connection_lost);
    self->wake();
  });
}

void Client::Impl::disarm_watchdog() {
  ++watchdog_generation_;
  watchdog_.cancel();
}

void Client::Impl::close_connection(std::string reason, std::error_code pending_error) {
  if (!conn_) return;
  conn_->close(std::move(reason), pending_error);
  conn_.reset();
}

void Client::Impl::notify(bool up) {
  if (!on_change_) return;
  try {
    on_change_(up);
  } catch (const std::exception& e) {
    spdlog::error("event=redis_connection_callback_failed error={}", log::quote(e.what()));
  }
}

asio::awaitable<Result<Reply>> Client::Impl::exec(Command command) {
  if (stopped_) co_return Errc::stopped;
  if (!connected_ || !conn_) co_return Errc::not_connected;
  if (command.empty()) co_return error_reply("ERR empty command");
  auto conn = conn_;
  auto reply = co_await async_send(conn, command, asio::use_awaitable);
  if (reply) leave_if_demoted(conn, *reply);
  co_return reply;
}

asio::awaitable<Result<std::vector<Reply>>> Client::Impl::exec_pipeline(
    std::vector<Command> commands) {
  if (stopped_) co_return Errc::stopped;
  if (!connected_ || !conn_) co_return Errc::not_connected;
  for (auto& command : commands) {
    // hiredis cannot format an empty command: refuse the whole pipeline, send nothing.
    if (command.empty()) {
      co_return std::vector<Reply>(commands.size(), error_reply("ERR empty command in pipeline"));
    }
  }
  auto conn = conn_;
  auto replies = co_await async_send_all(conn, commands, asio::use_awaitable);
  if (replies) {
    for (const Reply& reply : *replies) leave_if_demoted(conn, reply);
  }
  co_return replies;
}

asio::awaitable<Result<Reply>> Client::Impl::eval(Script script, std::vector<std::string> keys,
                                                  std::vector<std::string> args) {
  Command command;
  command.reserve(3 + keys.size() + args.size());
  command.push_back("EVALSHA");
  command.push_back(script.sha1());
  command.push_back(std::to_string(keys.size()));
  for (auto& key : keys) command.push_back(std::move(key));
  for (auto& arg : args) command.push_back(std::move(arg));

  Result<Reply> reply = co_await exec(command);
  if (reply && reply->is_error() && reply->str.starts_with("NOSCRIPT")) {
    // Redis forgot the script (restart, SCRIPT FLUSH, failover): load it and retry once.
    Command load{"SCRIPT", "LOAD", script.source()};
    Result<Reply> loaded = co_await exec(std::move(load));
    if (!loaded || loaded->is_error()) co_return loaded;
    reply = co_await exec(command);
  }
  co_return reply;
}

Client::Client(boost::asio::any_io_executor executor, Options options) {
  if (options.cluster) {
    cluster_ = std::make_shared<ClusterClient>(std::move(executor), std::move(options));
  } else {
    impl_ = std::make_shared<Impl>(std::move(executor), std::move(options));
  }
}

Client::~Client() {
  if (cluster_) {
    // Its run() may outlive us (it holds the cluster client): stop it, without a callback.
    cluster_->on_connection_change(nullptr);
    cluster_->stop();
    return;
  }
  // run() may still be winding down after this; it must not call back into an owner that
  // is being destroyed with us.
  impl_->on_change_ = nullptr;
  impl_->stop();
}

boost::asio::awaitable<void> Client::run() {
  if (cluster_) {
    auto cluster = cluster_;
    co_await cluster->run();
    co_return;
  }
  auto impl = impl_;
  co_await impl->run();
}

void Client::stop() {
  if (cluster_) return cluster_->stop();
  impl_->stop();
}

bool Client::connected() const {
  if (cluster_) return cluster_->connected();
  return impl_->connected_ && !impl_->stopped_;
}

uint64_t Client::reconnects() const {
  if (cluster_) return cluster_->reconnects();
  return impl_->connections_ > 0 ? impl_->connections_ - 1 : 0;
}

void Client::on_connection_change(std::function<void(bool)> callback) {
  if (cluster_) return cluster_->on_connection_change(std::move(callback));
  impl_->on_change_ = std::move(callback);
}

boost::asio::awaitable<Result<Reply>> Client::exec(Command command) {
  if (cluster_) {
    auto cluster = cluster_;  // the caller may destroy the Client while this is suspended
    co_return co_await cluster->exec(std::move(command));
  }
  auto impl = impl_;
  co_return co_await impl->exec(std::move(command));
}

boost::asio::awaitable<Result<std::vector<Reply>>> Client::exec_pipeline(
    std::vector<Command> commands) {
  if (cluster_) {
    auto cluster = cluster_;
    co_return co_await cluster->exec_pipeline(std::move(commands));
  }
  auto impl = impl_;
  co_return co_await impl->exec_pipeline(std::move(commands));
}

boost::asio::awaitable<Result<Reply>> Client::eval(const Script& script,
                                                   std::vector<std::string> keys,
                                                   std::vector<std::string> args) {
  if (cluster_) {
    auto cluster = cluster_;
    co_return co_await cluster->eval(script, std::move(keys), std::move(args));
  }
  auto impl = impl_;
  co_return co_await impl->eval(script, std::move(keys), std::move(args));
}

boost::asio::awaitable<void> Client::wait_for_replicas() {
  if (cluster_) {
    auto cluster = cluster_;
    co_await cluster->wait_for_replicas();
    co_return;
  }
  auto impl = impl_;
  const Options& options = impl->options_;
  if (options.wait_replicas <= 0 || Clock::now() < impl->wait_skipped_until_) co_return;
  Command wait{"WAIT", std::to_string(options.wait_replicas),
               std::to_string(options.wait_timeout.count())};
  auto acked = co_await impl->exec(std::move(wait));
  if (!acked || acked->type != Reply::Type::integer)
    co_return;  // not connected: nothing to wait for
  if (acked->integer >= options.wait_replicas) co_return;
  constexpr auto kSkip = std::chrono::seconds(10);
  impl->wait_skipped_until_ = Clock::now() + kSkip;
  spdlog::warn("event=redis_wait_short acked={} wanted={} timeout_ms={} next_wait_in_s={}",
               acked->integer, options.wait_replicas, options.wait_timeout.count(), kSkip.count());
}

void Client::run_on_connect(Command command) {
  if (cluster_) return cluster_->run_on_connect(std::move(command));
  for (const auto& known : impl_->on_connect_) {
    if (known == command) return;
  }
  impl_->on_connect_.push_back(std::move(command));
}

void Client::load_on_connect(const Script& script) {
  if (cluster_) return cluster_->load_on_connect(script);
  for (const auto& known : impl_->scripts_) {
    if (known.sha1() == script.sha1()) return;
  }
  impl_->scripts_.push_back(script);
}

}  // namespace tocsin::redis
