// The engine's lifecycle: its state built from the config, the loops started and stopped,
// the alerts in use and their cancels seen; the public Engine's calls. The loops' steps are
// in engine_take.cpp, engine_queue.cpp and engine_send.cpp.

#include "dispatch/engine.h"

#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>

#include <algorithm>

#include "alerts/group_audience.h"
#include "alerts/send_deadline.h"
#include "dispatch/dispatch_scripts.h"
#include "dispatch/engine_impl.h"
#include "log/log.h"
#include "proto/config.pb.h"
#include "proto/tocsin.pb.h"
#include "redis/client.h"
#include "redis/decode.h"
#include "util/clock.h"

namespace tocsin::dispatch {
namespace {

namespace asio = boost::asio;
using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

std::string channels_word(Channel channel) {
  switch (channel) {
    case SMS:
      return "sms";
    case EMAIL:
      return "email";
    case BOTH:
      return "both";
    default:
      return "none";
  }
}

// Requests in flight are bounded per gateway by its max_concurrency (GatewayPool), so
// the HTTP client puts no cap of its own on connections; it keeps as many idle ones as
// the gateways may use at once, so a blast does not reconnect between bursts.
io::CurlMultiOptions client_options(const config::Config& config) {
  io::CurlMultiOptions options;  // no per-host cap: max_concurrency is the bound
  long concurrency = 0;
  for (const auto& entry : config.gateways()) concurrency += entry.max_concurrency();
  options.max_cached_connections = std::max(options.max_cached_connections, concurrency);
  return options;
}

redis::StreamConsumerOptions job_queue_options(const config::Config& config,
                                               std::string_view queue) {
  return {.stream = std::string(queue),
          .group = std::string(keys::kConsumerGroup),
          .consumer = config.dispatch().consumer_name(),
          .claim_batch = 100,
          .claim_idle = milliseconds(config.dispatch().claim_idle_ms())};
}

std::vector<std::unique_ptr<GatewaySlot>> make_slots(
    std::vector<std::unique_ptr<adapters::Gateway>> gateways, const config::Config& config) {
  std::vector<std::unique_ptr<GatewaySlot>> slots;
  const auto now = Clock::now();
  for (size_t i = 0; i < gateways.size(); ++i) {
    int concurrency = 16;
    for (const auto& entry : config.gateways()) {
      if (entry.name() == gateways[i]->name()) concurrency = entry.max_concurrency();
    }
    slots.push_back(std::make_unique<GatewaySlot>(std::move(gateways[i]), concurrency, now));
  }
  return slots;
}

}  // namespace

Engine::Impl::Impl(asio::any_io_executor ex, redis::Client& r, const config::Config& c,
                   const tocsin::Clock& wall,
                   std::vector<std::unique_ptr<adapters::Gateway>> gateways)
    : executor(ex),
      redis(r),
      config(c),
      wall_clock(wall),
      consumer(c.dispatch().consumer_name()),
      requests(ex, client_options(c)),
      recorder(ex, r, std::string(keys::kConsumerGroup)),
      urgent_jobs(r, job_queue_options(c, keys::kUrgentQueue)),
      routine_jobs(r, job_queue_options(c, keys::kRoutineQueue)),
      reader_wakeup(ex),
      stopped(ex),
      watch_tick(ex),
      retry_tick(ex),
      claim_tick(ex),
      rate_tick(ex),
      pool(make_slots(std::move(gateways), c)),
      quiet(c) {
  redis.load_on_connect(prepare_script());
  redis.load_on_connect(alerts::group_check_script());
  redis.load_on_connect(take_retries_script());
  for (const char* channel : {"sms", "email"}) {
    if (!pool.has_channel(channel)) continue;
    double rate = 0;
    for (const auto& slot : pool.slots()) {
      if (slot->gateway->channel() == channel) rate += slot->gateway->rate_per_second();
    }
    // About two seconds of work ahead, so a STOP or a cancel finds little already
    // prepared, and a fast gateway never runs dry.
    const double job_size = c.dispatch().job_size();
    window += static_cast<size_t>(std::clamp(rate * 2, 2 * job_size, 20000.0));
    ready.emplace(channel, std::make_unique<ReadyQueue>(ex));
  }
  recorder.on_written([this](const std::vector<RecordItem>& items) { on_written(items); });
}

asio::awaitable<void> Engine::Impl::periodic(Wakeup& tick, Clock::duration period) {
  const auto until = Clock::now() + period;
  while (!stopping && Clock::now() < until) co_await tick.wait(until - Clock::now());
}

// --- alerts in use ------------------------------------------------------------------------

asio::awaitable<Result<Engine::Impl::AlertInfo*>> Engine::Impl::alert_info(const std::string& id) {
  if (auto found = alerts.find(id); found != alerts.end()) {
    found->second.last_used = Clock::now();
    co_return &found->second;
  }
  redis::Command read{"HMGET",
                      keys::alert(id),
                      std::string(keys::field::kProto),
                      std::string(keys::field::kKind),
                      std::string(keys::field::kState),
                      std::string(keys::field::kExpiresAtMs),
                      std::string(keys::field::kParent),
                      std::string(keys::field::kTargetGroup)};
  auto reply = co_await redis.exec(std::move(read));
  if (!reply) co_return reply.error();
  using Field = std::optional<std::string>;
  auto fields = redis::decode<std::tuple<Field, Field, Field, Field, Field, Field>>(*reply);
  // An error reply (LOADING while Redis restarts) says nothing about the alert: never
  // take it for "no such alert", which would acknowledge its jobs unsent.
  if (!fields && fields.error() == redis::Errc::server_error) {
    co_return std::make_error_code(std::errc::resource_unavailable_try_again);
  }
  AlertInfo* none = nullptr;
  if (!fields) co_return none;
  auto& [proto, kind, state, expires_at_ms, parent, target_group] = *fields;
  Alert alert;
  if (!proto || !alert.ParseFromString(*proto)) co_return none;
  AlertInfo info;
  info.urgent = kind == "urgent";
  info.state = state.value_or("");
  // Nothing is sent after the expiry or once the event has started.
  info.expires_at_ms =
      alerts::send_deadline_ms(std::atoll(expires_at_ms.value_or("").c_str()), alert.event_time());
  info.channels = channels_word(alert.channels());
  info.rsvp_alert_id = parent.value_or(id);
  info.child = parent.has_value();
  info.target_group = target_group.value_or("");
  info.renderer = std::make_shared<MessageRenderer>(std::move(alert), config.time_zone());
  info.last_used = Clock::now();
  co_return &alerts.insert_or_assign(id, std::move(info)).first->second;
}

// Reads the state of every alert in use, so a cancel is seen within a quarter second.
asio::awaitable<void> Engine::Impl::watch_alerts() {
  while (!stopping) {
    co_await periodic(watch_tick, milliseconds(250));
    log_holds();
    if (alerts.empty()) continue;
    std::vector<std::string> ids;
    std::vector<redis::Command> commands;
    for (const auto& [id, info] : alerts) {
      ids.push_back(id);
      commands.push_back(redis::Command{"HGET", keys::alert(id), std::string(keys::field::kState)});
    }
    auto replies = co_await redis.exec_pipeline(std::move(commands));
    if (!replies) continue;
    const auto now = Clock::now();
    for (size_t i = 0; i < ids.size() && i < replies->size(); ++i) {
      auto found = alerts.find(ids[i]);
      // An error reply (LOADING while Redis restarts) is no news about the state.
      auto read = redis::decode<std::optional<std::string>>((*replies)[i]);
      if (found == alerts.end() || !read) continue;
      const std::string state = read->value_or("");
      if (state != found->second.state && state == keys::state::kCancelled) {
        spdlog::info("event=dispatch_cancel_seen alert={}", ids[i]);
        for (auto& [channel, queue] : ready) queue->wakeup.notify();
      }
      found->second.state = state;
      // Forget finished alerts unused for a minute; they are read again if a job comes.
      if (state != keys::state::kSending &&
          now - found->second.last_used > std::chrono::minutes(1)) {
        alerts.erase(found);
      }
    }
  }
}

asio::awaitable<void> Engine::Impl::tick_rates() {
  while (!stopping) {
    co_await periodic(rate_tick, std::chrono::seconds(1));
    pool.tick(Clock::now());
  }
}

// --- lifecycle ----------------------------------------------------------------------------

asio::awaitable<void> Engine::Impl::run() {
  auto self = shared_from_this();
  auto spawn = [this](asio::awaitable<void> task, const char* name) {
    ++running_tasks;
    asio::co_spawn(executor, std::move(task), [this, name](std::exception_ptr error) {
      if (error) {
        try {
          std::rethrow_exception(error);
        } catch (const std::exception& e) {
          spdlog::error("event=dispatch_task_failed task={} error={}", name, log::quote(e.what()));
        }
      }
      --running_tasks;
      stopped.notify();
    });
  };
  spawn(read_jobs(), "read_jobs");
  spawn(take_retries(), "take_retries");
  spawn(watch_alerts(), "watch_alerts");
  spawn(keep_and_claim(), "keep_and_claim");
  spawn(tick_rates(), "tick_rates");
  for (auto& [channel, queue] : ready) spawn(pump(channel), "pump");
  spdlog::info("event=dispatch_started consumer={} gateways={} window={}", log::quote(consumer),
               pool.slots().size(), window);
  int64_t concurrency = 0;
  for (const auto& slot : pool.slots()) concurrency += slot->max_concurrency;
  if (concurrency > config.dispatch().max_in_flight()) {
    // The gateways could carry more requests at once than the engine lets out: their
    // rates are then capped at max_in_flight / latency.
    spdlog::warn(
        "event=dispatch_in_flight_below_concurrency max_in_flight={} gateways_concurrency={} "
        "hint={}",
        config.dispatch().max_in_flight(), concurrency,
        log::quote("raise dispatch.max_in_flight to at least the gateways' max_concurrency "
                   "total, or a slow provider will not get its full rate"));
  }
  asio::co_spawn(executor, recorder.run(std::chrono::seconds(5)), [this](std::exception_ptr) {
    recorder_done = true;
    stopped.notify();
  });
  // Until stop(), then until every task and request has finished and the recorder has
  // written what they produced.
  while (running_tasks > 0) co_await stopped.wait(std::chrono::seconds(1));
  recorder.stop();
  while (!recorder_done) co_await stopped.wait(std::chrono::seconds(1));
  spdlog::info("event=dispatch_stopped sent={} failed={} in_flight={}", stats.sent, stats.failed,
               stats.in_flight);
}

void Engine::Impl::stop() {
  stopping = true;
  reader_wakeup.notify();
  for (auto& [channel, queue] : ready) queue->wakeup.notify();
  stopped.notify();
  for (Wakeup* tick : {&watch_tick, &retry_tick, &claim_tick, &rate_tick}) tick->notify();
}

// --- Engine -------------------------------------------------------------------------------

Engine::Engine(boost::asio::any_io_executor executor, redis::Client& redis,
               const config::Config& config, const tocsin::Clock& clock,
               std::vector<std::unique_ptr<adapters::Gateway>> gateways)
    : impl_(
          std::make_shared<Impl>(std::move(executor), redis, config, clock, std::move(gateways))) {}

Engine::~Engine() = default;

boost::asio::awaitable<void> Engine::run() {
  co_await impl_->run();
}

void Engine::stop() {
  impl_->stop();
}

void Engine::wake_reader() {
  impl_->reader_wakeup.notify();
}

void Engine::send_direct(adapters::OutgoingMessage message,
                         std::function<void(const SendResult&)> on_sent) {
  auto it = impl_->ready.find(message.channel);
  if (it == impl_->ready.end() || impl_->stopping) {
    SendResult result;
    result.outcome = Outcome::permanent;
    result.reason = "no gateway for " + message.channel;
    if (on_sent) on_sent(result);
    return;
  }
  Impl::Pending pending;
  pending.message = std::move(message);
  pending.on_sent = on_sent ? std::move(on_sent) : [](const SendResult&) {};
  it->second->direct.push_back(std::move(pending));
  it->second->wakeup.notify();
}

EngineStats Engine::stats() const {
  return impl_->stats;
}

const adapters::Gateway* Engine::gateway(std::string_view name) const {
  for (const auto& slot : impl_->pool.slots()) {
    if (slot->gateway->name() == name) return slot->gateway.get();
  }
  return nullptr;
}

bool Engine::has_receipts(std::string_view channel) const {
  for (const auto& slot : impl_->pool.slots()) {
    if (slot->gateway->channel() == channel && slot->gateway->has_receipts()) return true;
  }
  return false;
}

}  // namespace tocsin::dispatch
