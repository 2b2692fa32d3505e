#include "app/app.h"

#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <cctype>
#include <csignal>
#include <cstdio>
#include <iostream>

#include "alerts/alert_keys.h"
#include "alerts/alert_relay.h"
#include "alerts/fleet_fields.h"
#include "alerts/local_time.h"
#include "api/routes.h"
#include "api/services.h"
#include "app/gateways.h"
#include "app/hook_spool.h"
#include "app/key_adoption.h"
#include "app/redis_options.h"
#include "app/systemd_notifier.h"
#include "app/test_clock.h"
#include "audit/audit_relay.h"
#include "auth/account_store.h"
#include "auth/adopt_untagged_keys.h"
#include "auth/auth_keys.h"
#include "auth/session_store.h"
#include "auth/token_store.h"
#include "config/config.h"
#include "dispatch/dispatch_keys.h"
#include "dispatch/engine.h"
#include "dispatch/job_writer.h"
#include "dispatch/queue_jobs.h"
#include "dispatch/receipt_store.h"
#include "dispatch/scheduled_send.h"
#include "dispatch/send_queue.h"
#include "escalation/wave_runner.h"
#include "events/event_hub.h"
#include "events/event_routes.h"
#include "events/turnout_publisher.h"
#include "http/router.h"
#include "http/server.h"
#include "log/log.h"
#include "members/adopt_untagged_roster.h"
#include "metrics/registry.h"
#include "redis/client.h"
#include "replies/inbound_store.h"
#include "replies/reply_worker.h"
#include "schedule/schedule_outbox.h"
#include "schedule/scheduler.h"
#include "seats/seat_lapse_task.h"
#include "seats/seat_notifier.h"
#include "util/clock.h"
#include "util/version.h"

namespace tocsin::app {
namespace asio = boost::asio;

namespace {

// How long a request needing Redis waits for a connection coming back before its 503
// (http/router.h): a reconnect after a restart takes a few hundred milliseconds.
constexpr std::chrono::milliseconds kRedisGrace{2000};
// How often a relay cut short (alerts/alert_relay.h) is made up: reading every alert's two
// streams costs a few milliseconds of Redis per thousand alerts.
constexpr std::chrono::milliseconds kRelaySweepInterval{30000};

// Logs what a detached coroutine threw instead of letting it vanish: every co_spawn
// completion handler catches and logs (daemon/README.md, "Errors").
auto log_failure(std::string what) {
  return [what = std::move(what)](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      spdlog::critical("event=task_failed task={} error={}", what, log::quote(ex.what()));
    }
  };
}

http::ServerLimits server_limits(const config::HttpConfig& http) {
  http::ServerLimits limits;
  limits.max_body_bytes = static_cast<uint64_t>(http.max_body_bytes());
  limits.max_header_bytes = static_cast<uint32_t>(http.max_header_bytes());
  limits.header_timeout = std::chrono::milliseconds(http.header_timeout_ms());
  limits.request_timeout = std::chrono::milliseconds(http.request_timeout_ms());
  limits.idle_timeout = std::chrono::milliseconds(http.idle_timeout_ms());
  limits.max_connections = static_cast<uint32_t>(http.max_connections());
  limits.max_connections_per_client = static_cast<uint32_t>(http.max_connections_per_client());
  return limits;
}

// One line for the commonest startup failure, with what to do about it.
std::string cannot_listen(const std::string& listen, std::error_code error) {
  std::string reason = error.message();
  if (!reason.empty())
    reason[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(reason[0])));
  std::string hint;
  if (error == std::errc::address_in_use) {
    hint = "is another tocsind running? set http.listen or TOCSIN_LISTEN";
  } else if (error == std::errc::permission_denied) {
    hint = "ports below 1024 need privileges: choose another in http.listen or TOCSIN_LISTEN";
  } else if (error == std::errc::address_not_available) {
    hint =
        "no network interface of this machine has that address: set http.listen or TOCSIN_LISTEN";
  } else if (error.category() != std::system_category()) {
    hint = "the host name does not resolve: set http.listen or TOCSIN_LISTEN to an address";
  }
  return "tocsind: cannot listen on " + listen + ": " + reason +
         (hint.empty() ? "" : " (" + hint + ")");
}

std::string url_host(const std::string& host) {
  return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

void add_process_metrics(metrics::Registry& metrics, redis::Client& redis,
                         std::chrono::steady_clock::time_point started) {
  using Kind = metrics::Registry::Kind;
  metrics.add_callback(
      "tocsin_uptime_seconds", "Seconds since the daemon started.", Kind::gauge, [started] {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      });
  metrics.add_callback("tocsin_redis_connected", "1 while the Redis connection is up.", Kind::gauge,
                       [&redis] { return redis.connected() ? 1.0 : 0.0; });
  metrics.add_callback("tocsin_redis_reconnects_total",
                       "Redis connections re-established after a loss.", Kind::counter,
                       [&redis] { return static_cast<double>(redis.reconnects()); });
}

void add_dispatch_metrics(metrics::Registry& metrics, const dispatch::Engine& engine) {
  using Kind = metrics::Registry::Kind;
  struct Figure {
    const char* name;
    const char* help;
    Kind kind;
    uint64_t dispatch::EngineStats::*field;
  };
  static const Figure figures[] = {
      {"tocsin_dispatch_sent_total", "Messages accepted by a gateway.", Kind::counter,
       &dispatch::EngineStats::sent},
      {"tocsin_dispatch_failed_total", "Messages failed permanently.", Kind::counter,
       &dispatch::EngineStats::failed},
      {"tocsin_dispatch_retries_total", "Send attempts scheduled again.", Kind::counter,
       &dispatch::EngineStats::retries},
      {"tocsin_dispatch_held_total", "Messages held until the end of quiet hours.", Kind::counter,
       &dispatch::EngineStats::held},
      {"tocsin_dispatch_expired_total", "Messages not sent before their alert expired.",
       Kind::counter, &dispatch::EngineStats::expired},
      {"tocsin_dispatch_dropped_total", "Messages not sent because their alert was cancelled.",
       Kind::counter, &dispatch::EngineStats::dropped},
      {"tocsin_dispatch_stopped_before_send_total",
       "Messages not sent because their member opted out after they were prepared.", Kind::counter,
       &dispatch::EngineStats::stopped_before_send},
      {"tocsin_dispatch_unconfirmed_total",
       "Requests the provider received but did not answer in time: counted as sent, not "
       "sent again.",
       Kind::counter, &dispatch::EngineStats::unconfirmed},
      {"tocsin_dispatch_in_flight", "Messages sent or being sent, not yet recorded in Redis.",
       Kind::gauge, &dispatch::EngineStats::in_flight},
  };
  for (const Figure& figure : figures) {
    metrics.add_callback(figure.name, figure.help, figure.kind, [&engine, field = figure.field] {
      return static_cast<double>(engine.stats().*field);
    });
  }
}

void add_reply_metrics(metrics::Registry& metrics, const replies::ReplyWorker& worker) {
  struct Figure {
    const char* name;
    const char* help;
    uint64_t replies::ReplyStats::*field;
  };
  static const Figure figures[] = {
      {"tocsin_replies_read_total", "Replies read from q:replies.", &replies::ReplyStats::read},
      {"tocsin_replies_recorded_total", "RSVPs stored or changed by a reply.",
       &replies::ReplyStats::recorded},
      {"tocsin_replies_unknown_total", "Replies not read with confidence, kept for a coordinator.",
       &replies::ReplyStats::unknown},
      {"tocsin_replies_opted_out_total", "Opt-outs by reply (STOP, ARRET...).",
       &replies::ReplyStats::opted_out},
      {"tocsin_replies_unmatched_total", "Replies from numbers no open alert was sent to.",
       &replies::ReplyStats::unmatched},
      {"tocsin_replies_answered_total", "Confirmations sent back to members.",
       &replies::ReplyStats::answered},
  };
  for (const Figure& figure : figures) {
    metrics.add_callback(
        figure.name, figure.help, metrics::Registry::Kind::counter,
        [&worker, field = figure.field] { return static_cast<double>(worker.stats().*field); });
  }
  // Their ratio is the mean time a batch takes: how far behind its webhook a reply counts.
  metrics.add_callback("tocsin_replies_batches_total", "Batches of replies applied.",
                       metrics::Registry::Kind::counter,
                       [&worker] { return static_cast<double>(worker.stats().batches); });
  metrics.add_callback("tocsin_replies_batch_seconds_total",
                       "Time spent applying batches of replies, from their read to their "
                       "confirmations.",
                       metrics::Registry::Kind::counter,
                       [&worker] { return static_cast<double>(worker.stats().batch_us) / 1e6; });
}

void add_event_metrics(metrics::Registry& metrics, const events::TurnoutPublisher& publisher,
                       const events::EventHub& hub) {
  using Kind = metrics::Registry::Kind;
  metrics.add_callback("tocsin_events_entries_written_total",
                       "Turnout change entries this daemon wrote to event streams.", Kind::counter,
                       [&publisher] { return static_cast<double>(publisher.stats().entries); });
  metrics.add_callback("tocsin_events_viewers", "Event stream clients connected to this daemon.",
                       Kind::gauge, [&hub] { return static_cast<double>(hub.viewers()); });
  metrics.add_callback("tocsin_events_followed_alerts",
                       "Alerts whose event stream this daemon follows for its viewers.",
                       Kind::gauge, [&hub] { return static_cast<double>(hub.followed_alerts()); });
}

// What the server's connection limits do (http/server.h), to see a flood in.
void add_http_metrics(metrics::Registry& metrics, const http::Server& server) {
  using Kind = metrics::Registry::Kind;
  metrics.add_callback("tocsin_http_connections_open", "HTTP connections open.", Kind::gauge,
                       [&server] { return static_cast<double>(server.open_connections()); });
  struct Figure {
    const char* name;
    const char* help;
    uint64_t http::ShedTotals::*field;
  };
  static const Figure figures[] = {
      {"tocsin_http_header_timeouts_total",
       "Connections closed for not sending a request head within http.header_timeout_ms.",
       &http::ShedTotals::header_timeouts},
      {"tocsin_http_connections_evicted_total",
       "Idle connections closed to admit a new one while at http.max_connections.",
       &http::ShedTotals::evicted},
      {"tocsin_http_connections_refused_client_total",
       "Connections refused (503) at http.max_connections_per_client for their address.",
       &http::ShedTotals::refused_client},
      {"tocsin_http_connections_refused_full_total",
       "Connections refused (503) at http.max_connections with none idle.",
       &http::ShedTotals::refused_full},
  };
  for (const Figure& figure : figures) {
    metrics.add_callback(figure.name, figure.help, Kind::counter, [&server, field = figure.field] {
      return static_cast<double>(server.shed().*field);
    });
  }
}

}  // namespace

int run_daemon(config::Config config, DaemonOptions daemon_options) {
  const auto started_at = std::chrono::steady_clock::now();
  asio::io_context io(1);
  auto executor = io.get_executor();

  metrics::Registry metrics;
  auto options = redis_options(config);
  const std::string redis_where = describe_redis(options);
  redis::Client redis(executor, std::move(options));
  // The routes' own connection. During a blast the engine's pipelines queue on the shared
  // one by the thousand; an officer's draft preview or sign-in, a member's click on the
  // RSVP page, would wait behind them (seconds, measured by tests/bench/draft_preview_bench).
  // Redis serves connections in turn, so here a request waits at most for one script.
  redis::Client api_redis(executor, redis_options(config));
  // Turnout changes: written to each live alert's event stream by the publisher, read back
  // by the hub for this daemon's viewers (woken at once for what the publisher wrote). On
  // their own connection: during a blast the shared one carries the engine's pipelines,
  // and a change waiting behind them would reach the viewers late.
  redis::Client events_redis(executor, redis_options(config));
  // Members' replies and delivery receipts: the webhooks store them, the reply worker
  // applies them. On their own connection too: behind the engine's pipelines a reply
  // would wait tens of milliseconds per round trip before it counts on the dashboard.
  redis::Client replies_redis(executor, redis_options(config));
  // Those that write alerts' trails and seat news relay them (alerts/alert_relay.h).
  alerts::register_relays(redis);
  alerts::register_relays(api_redis);
  alerts::register_relays(replies_redis);
  // The accounts and tokens, then the roster, an older tocsind kept under untagged names,
  // moved under {auth} and {roster} before anyone signs in or any member is read.
  KeyAdoption key_adoption(
      executor, api_redis,
      {{"auth", auth::adopt_untagged_keys}, {"roster", members::adopt_untagged_roster}});
  // Ready when all four are up (each answers a different part of the API) and the
  // accounts and members are where the daemon looks for them.
  const auto redis_ready = [&redis, &api_redis, &events_redis, &replies_redis, &key_adoption] {
    return redis.connected() && api_redis.connected() && events_redis.connected() &&
           replies_redis.connected() && key_adoption.done();
  };
  auth::TokenStore tokens(api_redis);
  auth::AccountStore accounts(api_redis);
  auth::SessionStore sessions(
      api_redis, accounts,
      {.idle = std::chrono::minutes(config.auth().session_idle_minutes()),
       .absolute = std::chrono::hours(config.auth().session_absolute_hours())});
  add_process_metrics(metrics, redis, started_at);

  alerts::use_time_zone(config.time_zone());
  // The time of day every due-time decision reads; tests run the daemon ahead of it.
  SystemClock system_clock;
  OffsetClock test_clock;
  const Clock& clock =
      daemon_options.test_clock ? static_cast<const Clock&>(test_clock) : system_clock;
  TestClockFollower clock_follower(executor, redis, test_clock);
  schedule::SchedulerOptions schedule_options;
  schedule_options.owner = config.dispatch().consumer_name();
  if (daemon_options.test_clock) schedule_options.tick = std::chrono::milliseconds(50);
  schedule::Scheduler scheduler(executor, redis, clock, schedule_options);
  clock_follower.on_moved([&scheduler] { scheduler.notify(); });
  dispatch::SendQueue send_queue(redis, config, clock);
  // Escalation waves: each alert's reminders and follow-ups, run by the scheduler when due.
  escalation::WaveRunner waves(redis, config, clock, send_queue);
  waves.handle_waves(scheduler);
  dispatch::ReceiptStore receipts(replies_redis);
  replies::InboundStore inbound(replies_redis);
  // What the webhooks bring while Redis is away waits in the local spool (app/hook_spool.h).
  std::unique_ptr<HookSpool> hook_spool;
  try {
    hook_spool =
        std::make_unique<HookSpool>(executor, config.spool(), inbound, receipts, replies_redis);
  } catch (const std::exception& e) {
    log::print_error(std::string("tocsind: ") + e.what() + " (see spool.directory)");
    return 1;
  }
  hook_spool->add_metrics(metrics);
  // The engine is built once the port is known (below): gateways put the public URL in
  // what they send (Twilio's StatusCallback, Kannel's dlr-url). No request is served
  // before it exists.
  std::unique_ptr<dispatch::Engine> engine;
  // Replies' confirmations and sign-in codes: through the gateways, ahead of alert traffic.
  const auto send_direct = [&engine](adapters::OutgoingMessage message) {
    if (engine) engine->send_direct(std::move(message), nullptr);
  };
  replies::ReplyWorkerOptions reply_options;
  reply_options.consumer = config.dispatch().consumer_name();
  reply_options.time_zone = config.time_zone();
  reply_options.claim_idle = std::chrono::milliseconds(config.dispatch().claim_idle_ms());
  // Confirmations go out through the SMS gateways, ahead of alert messages.
  reply_options.send = send_direct;
  replies::ReplyWorker reply_worker(executor, replies_redis, std::move(reply_options));
  inbound.on_stored([&reply_worker] { reply_worker.notify(); });
  // Seat news nobody asked for (a seat opened up, one lapsed): told by SMS like a
  // confirmation.
  seats::SeatNotifierOptions seat_options;
  seat_options.consumer = config.dispatch().consumer_name();
  seat_options.time_zone = config.time_zone();
  seat_options.claim_idle = std::chrono::milliseconds(config.dispatch().claim_idle_ms());
  seat_options.send = send_direct;
  seats::SeatNotifier seat_notifier(executor, redis, std::move(seat_options));
  add_reply_metrics(metrics, reply_worker);
  const auto channel_has_receipts = [&engine](std::string_view channel) {
    return engine && engine->has_receipts(channel);
  };
  api::Services services{
      config,
      api_redis,
      tokens,
      metrics,
      started_at,
      send_queue,
      hook_spool->intake(),
      [&engine](std::string_view name) { return engine ? engine->gateway(name) : nullptr; },
      clock,
      scheduler,
      channel_has_receipts,
      accounts,
      sessions,
      send_direct,
      redis_ready};
  http::Router router(metrics, redis_ready,
                      [&tokens](std::string token) { return tokens.lookup(std::move(token)); });
  router.wait_for_redis(kRedisGrace);
  router.accept_sessions(
      {.lookup = [&sessions](std::string id) { return sessions.lookup(std::move(id)); },
       .touch = [&sessions](const auth::Principal& who) { return sessions.touch(who); },
       .public_url = [&config] { return config.http().public_url(); }});
  api::add_all_routes(router, services);
  events::TurnoutPublisher publisher(executor, events_redis);
  send_queue.on_started([&publisher](const std::string& id) { publisher.follow(id); });
  events::EventHub hub(executor, events_redis);
  publisher.on_published([&hub](const std::string& alert_id) { hub.notify(alert_id); });
  events::add_event_routes(
      router, {events_redis, hub, std::chrono::milliseconds(config.http().sse_heartbeat_ms()),
               channel_has_receipts});
  add_event_metrics(metrics, publisher, hub);

  http::Server server(executor, router, server_limits(config.http()));
  add_http_metrics(metrics, server);
  std::string error;
  const auto listen = config::parse_listen(config.http().listen(), &error);
  const auto bound = server.listen(listen->host, listen->port);
  if (!bound) {
    log::print_error(cannot_listen(config.http().listen(), bound.error()));
    return 1;
  }
  const uint16_t port = *bound;
  const std::string address = url_host(listen->host) + ":" + std::to_string(port);
  // With port 0 the default public URL ("http://" + listen) ends in ":0": use the real port.
  if (listen->port == 0 && config.http().public_url().ends_with(":0")) {
    config.mutable_http()->set_public_url("http://" + address);
  }

  // main() built every gateway once already (a bad entry stops it there), so this cannot
  // fail now.
  std::vector<std::string> gateway_errors;
  engine = std::make_unique<dispatch::Engine>(executor, redis, config, clock,
                                              build_gateways(config, &gateway_errors));
  add_dispatch_metrics(metrics, *engine);
  const auto wake_engine = [&engine] {
    if (engine) engine->wake_reader();
  };
  send_queue.on_jobs_queued(wake_engine);

  asio::co_spawn(executor, redis.run(), log_failure("redis"));
  asio::co_spawn(executor, api_redis.run(), log_failure("api_redis"));
  asio::co_spawn(executor, replies_redis.run(), log_failure("replies_redis"));
  asio::co_spawn(executor, key_adoption.run(), log_failure("key_adoption"));
  // Replays what a previous run spooled, then what comes while Redis is away.
  asio::co_spawn(executor, hook_spool->run(), log_failure("spool_replay"));
  server.start();
  bool engine_done = false;
  bool stopping = false;
  asio::steady_timer engine_stopped(executor, asio::steady_timer::time_point::max());
  // Makes up the relays a crash or a lost connection cut short.
  alerts::AlertRelaySweep relay_sweep(
      executor, redis,
      {alerts::route(alerts::Outbox::audit), alerts::route(alerts::Outbox::seat_notices),
       schedule::schedule_outbox_route(), dispatch::jobs_route(dispatch::keys::kUrgentQueue),
       dispatch::jobs_route(dispatch::keys::kRoutineQueue)},
      kRelaySweepInterval,
      {{std::string(auth::keys::kAudit), audit::relay_target(false)},
       {std::string(alerts::keys::kTemplatesAudit), audit::relay_target(false)}});
  asio::co_spawn(executor, relay_sweep.run(), log_failure("relay_sweep"));
  asio::co_spawn(executor, events_redis.run(), log_failure("events_redis"));
  asio::co_spawn(executor, publisher.run(), log_failure("events_publisher"));
  asio::co_spawn(executor, hub.run(), log_failure("events_hub"));
  if (daemon_options.test_clock) {
    asio::co_spawn(executor, clock_follower.run(), log_failure("test_clock"));
  }
  // Scheduled alerts start at their send_at (dispatch/scheduled_send.h).
  scheduler.handle(std::string(dispatch::kScheduledSendKind),
                   dispatch::scheduled_send_handler(redis, send_queue));
  // A sending alert's jobs left unqueued by a crash are queued (dispatch/queue_jobs.h).
  scheduler.handle(std::string(dispatch::kQueueJobsKind),
                   dispatch::queue_jobs_handler(redis, config, clock, wake_engine));
  // Unconfirmed bus seats go back to the waitlist at the seat confirmation's lapse_at.
  scheduler.handle(std::string(alerts::kSeatLapseTask), seats::seat_lapse_handler(redis, clock));
  // The workers that read members and accounts start once those are where they look
  // (key_adoption above): a member not yet moved would be skipped by a send.
  asio::co_spawn(
      executor,
      [&]() -> asio::awaitable<void> {
        co_await key_adoption.wait();
        if (stopping) {
          engine_done = true;
          engine_stopped.cancel();
          co_return;
        }
        asio::co_spawn(executor, engine->run(), [&](std::exception_ptr e) {
          log_failure("dispatch")(e);
          engine_done = true;
          engine_stopped.cancel();
        });
        // Replies left pending by a stop are read again at the next start (applying them
        // twice changes nothing), so the worker is not waited for.
        asio::co_spawn(executor, reply_worker.run(), log_failure("replies"));
        // Notices are acknowledged once handed on; one left pending is told at the next
        // start.
        asio::co_spawn(executor, seat_notifier.run(), log_failure("seat_notifier"));
        // Its handlers are registered above; an item left running by a stop is taken again
        // after its lease (handlers are idempotent), so it is not waited for.
        asio::co_spawn(executor, scheduler.run(), log_failure("scheduler"));
      },
      log_failure("workers"));

  SystemdNotifier systemd(executor);
  asio::signal_set signals(executor, SIGINT, SIGTERM);
  signals.async_wait([&](boost::system::error_code ec, int signal) {
    if (ec) return;
    spdlog::info("event=shutdown_started signal={}", signal);
    // A second signal means "now": whoever sends it has stopped waiting for the grace.
    signals.async_wait([&](boost::system::error_code ec2, int) {
      if (ec2) return;
      spdlog::warn("event=shutdown_forced");
      io.stop();
    });
    systemd.stopping();
    const auto grace = std::chrono::milliseconds(config.lifecycle().shutdown_grace_ms());
    asio::co_spawn(
        executor,
        [&]() -> asio::awaitable<void> {
          // Stop taking jobs first; the engine's requests in flight finish and are
          // recorded while the HTTP server drains, and before Redis is let go.
          stopping = true;
          engine->stop();
          reply_worker.stop();
          hook_spool->stop();
          seat_notifier.stop();
          relay_sweep.stop();
          key_adoption.stop();
          publisher.stop();
          scheduler.stop();
          clock_follower.stop();
          co_await server.shutdown(grace);  // event streams end at once
          hub.stop();
          events_redis.stop();
          api_redis.stop();
          replies_redis.stop();
          while (!engine_done) {
            boost::system::error_code ignored;
            co_await engine_stopped.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
          }
          redis.stop();
          systemd.stop_watchdog();
          signals.cancel();
          spdlog::info("event=shutdown_complete");
          // Whatever is still pending (a Redis reconnect timer...) has nothing to finish.
          io.stop();
        },
        log_failure("shutdown"));
  });

  // The one line on stdout: where to reach the daemon (scripts and tests read it).
  std::printf("tocsind: listening on http://%s\n", address.c_str());
  std::fflush(stdout);
  spdlog::info("event=http_listening address={} redis={} version={}", address,
               log::quote(redis_where), version());
  systemd.ready("listening on " + address);
  systemd.start_watchdog();

  io.run();
  return 0;
}

int bootstrap_admin(const config::Config& config, const std::string& name) {
  asio::io_context io(1);
  auto executor = io.get_executor();
  auto options = redis_options(config);
  const std::string where = describe_redis(options);
  // Wait for the first connection at most this long: long enough for a Redis that is
  // still starting, short enough that a typo in the URL is reported promptly.
  const auto patience = options.connect_timeout * 3;
  redis::Client redis(executor, std::move(options));
  auth::TokenStore tokens(redis);
  int exit_code = 1;

  asio::steady_timer connected(executor, patience);
  redis.on_connection_change([&connected](bool up) {
    if (up) connected.cancel();
  });
  asio::co_spawn(executor, redis.run(), log_failure("redis"));
  asio::co_spawn(
      executor,
      [&]() -> asio::awaitable<void> {
        boost::system::error_code ec;
        if (!redis.connected()) {
          co_await connected.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        }
        if (!redis.connected()) {
          std::cerr << "tocsind: cannot reach Redis at " << where << "\n";
        } else {
          auth::NewToken request{.name = name,
                                 .role = auth::Role::admin,
                                 .created_by = "bootstrap",
                                 .ttl_days = config.auth().token_ttl_days()};
          auto token = co_await tokens.create(request);
          if (token) {
            std::cout << *token << "\n";
            exit_code = 0;
          } else {
            std::cerr << "tocsind: could not store the token in Redis: " << token.error().message()
                      << "\n";
          }
        }
        redis.stop();
        io.stop();
      },
      log_failure("bootstrap"));
  io.run();
  return exit_code;
}

}  // namespace tocsin::app
