#include "dispatch/send_queue.h"

#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/this_coro.hpp>

#include <chrono>
#include <optional>
#include <random>
#include <tuple>

#include "alerts/alert_keys.h"
#include "alerts/alert_relay.h"
#include "alerts/audience_set.h"
#include "alerts/child_alert.h"
#include "alerts/rfc3339.h"
#include "dispatch/audience_freeze.h"
#include "dispatch/dispatch_keys.h"
#include "dispatch/job_writer.h"
#include "dispatch/queue_jobs.h"
#include "dispatch/send_schedule.lua.h"
#include "dispatch/send_start.lua.h"
#include "log/log.h"
#include "members/audience.h"
#include "members/audience_counter.h"
#include "proto/config.pb.h"
#include "proto/tocsin.pb.h"
#include "redis/client.h"
#include "redis/decode.h"
#include "redis/script.h"
#include "schedule/schedule_outbox.h"
#include "util/clock.h"

namespace tocsin::dispatch {
namespace {

namespace alert_keys = alerts::keys;

const redis::Script& start_script() {
  static const redis::Script script(std::string(lua::send_start));
  return script;
}

const redis::Script& schedule_script() {
  static const redis::Script script(std::string(lua::send_schedule));
  return script;
}

// Queues a started alert's jobs. Whatever stops it (Redis away, the daemon stopping) leaves
// the rest unqueued for the scheduler's "queue|<id>" item (queue_jobs.h).
boost::asio::awaitable<void> queue_started_jobs(redis::Client& redis, const Clock& clock,
                                                std::string alert_id, std::string queue,
                                                JobWriterOptions options) {
  auto step = co_await write_jobs(redis, clock, alert_id, std::move(queue), std::move(options));
  if (!step) {
    spdlog::warn("event=job_writer_stopped alert={} error={}", alert_id,
                 log::quote(step.error().message()));
  }
}

// Unique per call, in the alert's hash slot.
StagedAudience staging_keys(const std::string& alert_id) {
  thread_local std::mt19937_64 random{std::random_device{}()};
  const uint64_t nonce = random();
  return {keys::staged_audience(alert_id, nonce), keys::staged_jobs(alert_id, nonce)};
}

SendStart::Status parse_status(const std::string& word) {
  using S = SendStart::Status;
  if (word == "started") return S::started;
  if (word == "scheduled") return S::scheduled;
  if (word == "wrong_state") return S::wrong_state;
  if (word == "needs_approval") return S::needs_approval;
  if (word == "expired") return S::expired;
  return S::not_found;
}

std::string explain(const SendStart& start, int64_t threshold) {
  using S = SendStart::Status;
  switch (start.status) {
    case S::started:
    case S::scheduled:
      return {};
    case S::not_found:
      return "no such alert";
    case S::wrong_state:
      if (start.state == "scheduled") {
        return "the alert is scheduled; cancel it to send it otherwise";
      }
      return "the alert is " + start.state + "; only a draft or approved alert can be sent";
    case S::needs_approval:
      return "the audience has " + std::to_string(start.audience_size) + " members, more than " +
             std::to_string(threshold) +
             ": a second executive (not the alert's creator) must approve it first";
    case S::expired:
      return "the alert has expired: nothing would be sent";
  }
  return {};
}

}  // namespace

SendQueue::SendQueue(redis::Client& redis, const config::Config& config, const Clock& clock)
    : redis_(redis), config_(config), clock_(clock) {
  redis_.load_on_connect(start_script());
  redis_.load_on_connect(schedule_script());
  redis_.load_on_connect(send_jobs_script());
}

void SendQueue::on_jobs_queued(std::function<void()> callback) {
  on_jobs_queued_ = std::move(callback);
}

void SendQueue::on_started(std::function<void(const std::string&)> callback) {
  on_started_ = std::move(callback);
}

boost::asio::awaitable<Result<SendStart>> SendQueue::start(std::string alert_id,
                                                           auth::Principal who,
                                                           SendStart::Origin origin) {
  const std::string alert_key = alert_keys::alert(alert_id);
  redis::Command read{"HMGET", alert_key, std::string(alert_keys::field::kProto),
                      std::string(alert_keys::field::kKind),
                      std::string(alert_keys::field::kState)};
  auto reply = co_await redis_.exec(std::move(read));
  if (!reply) co_return reply.error();
  using Fields = std::tuple<std::optional<std::string>, std::optional<std::string>,
                            std::optional<std::string>>;
  auto fields = redis::decode<Fields>(*reply);
  if (!fields) co_return std::make_error_code(std::errc::resource_unavailable_try_again);
  auto& [proto, kind, state] = *fields;
  SendStart start;
  Alert alert;
  if (!proto || !alert.ParseFromString(*proto)) {
    start.message = explain(start, 0);
    co_return start;
  }
  const bool urgent = kind.value_or("") == "urgent";
  const bool from_schedule = origin == SendStart::Origin::schedule;
  // The scheduler's item of an alert already started (a crash before the item was done)
  // or cancelled: nothing to freeze. The script checks the state again, atomically.
  if (from_schedule && state.value_or("") != alert_keys::state::kScheduled) {
    start.status = SendStart::Status::wrong_state;
    start.state = state.value_or("");
    start.message = explain(start, 0);
    co_return start;
  }
  // Ahead of the clock: scheduled, on the audience counted below but not frozen.
  const auto send_at = alerts::parse_rfc3339(alert.send_at());
  const int64_t now_ms = clock_.now_ms();
  int64_t send_at_ms = 0;
  if (send_at) {
    send_at_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(send_at->time_since_epoch()).count();
  }
  const bool scheduling = !from_schedule && send_at && send_at_ms > now_ms;

  // The expression's members now, or a child's group of its parent's audience now: only
  // counted when scheduling, staged with its jobs when starting.
  const StagedAudience staged = staging_keys(alert_id);
  if (scheduling) {
    auto materialized = co_await alerts::materialize_audience(redis_, alert, staged.members);
    if (!materialized) co_return materialized.error();
    co_return co_await schedule(alert_id, who, staged.members, send_at_ms, now_ms);
  }
  auto frozen = co_await freeze_audience(redis_, alert, staged, config_.dispatch().job_size(),
                                         config_.dispatch().freeze_slice());
  if (!frozen) co_return frozen.error();

  const int64_t threshold = config_.alerts().approval_threshold();
  const std::string queue(urgent ? keys::kUrgentQueue : keys::kRoutineQueue);
  std::vector<std::string> script_keys{alert_key,
                                       staged.members,
                                       alert_keys::audience(alert_id),
                                       staged.jobs,
                                       keys::unqueued_jobs(alert_id),
                                       alert_keys::audit_trail(alert_id),
                                       alert_keys::schedule_outbox(alert_id)};
  std::vector<std::string> args{std::to_string(now_ms),
                                who.name,
                                std::to_string(threshold),
                                std::to_string(now_ms + kQueueItemDelay.count()),
                                alert_id,
                                from_schedule ? "schedule" : "officer",
                                who.token_id};
  for (const Wave& wave : alert.waves()) {
    args.push_back(std::to_string(alerts::wave_due_ms(wave, now_ms)));
  }
  auto started = co_await redis_.eval(start_script(), std::move(script_keys), std::move(args));
  if (!started) co_return started.error();
  // Started, expired or refused: each wrote its audit entry to the trail; a start, its
  // scheduler items to the outbox.
  co_await alerts::relay(redis_, alert_id, alerts::Outbox::audit);
  co_await schedule::apply_schedule_outbox(redis_, alert_id);
  std::string why;
  auto outcome =
      redis::decode<std::tuple<std::string, std::string, int64_t, int64_t>>(*started, &why);
  if (!outcome) {
    spdlog::error("event=send_start_failed alert={} error={}", alert_id, log::quote(why));
    co_return std::make_error_code(std::errc::io_error);
  }
  std::string status;
  std::tie(status, start.state, start.audience_size, start.jobs) = std::move(*outcome);
  start.status = parse_status(status);
  start.message = explain(start, threshold);
  if (start.status == SendStart::Status::started) {
    spdlog::info("event=alert_sending alert={} by={} members={} jobs={} queue={} scheduled={}",
                 alert_id, log::quote(who.name), start.audience_size, start.jobs,
                 urgent ? "urgent" : "routine", from_schedule);
    if (on_started_) on_started_(alert_id);
    const auto executor = co_await boost::asio::this_coro::executor;
    if (start.state == alert_keys::state::kSending) {
      // The jobs go onto the queue beside the answer; should this daemon die first, the
      // scheduler's "queue|<id>" item carries on (queue_jobs.h).
      JobWriterOptions options{.jobs_per_call = config_.dispatch().queue_slice(),
                               .on_queued = on_jobs_queued_};
      boost::asio::co_spawn(executor,
                            queue_started_jobs(redis_, clock_, alert_id, queue, std::move(options)),
                            [](std::exception_ptr error) {
                              if (error) spdlog::error("event=job_writer_failed");
                            });
    }
  }
  co_return start;
}

boost::asio::awaitable<Result<SendStart>> SendQueue::schedule(const std::string& alert_id,
                                                              const auth::Principal& who,
                                                              const std::string& staged,
                                                              int64_t send_at_ms, int64_t now_ms) {
  const int64_t threshold = config_.alerts().approval_threshold();
  std::vector<std::string> script_keys{alert_keys::alert(alert_id), staged,
                                       alert_keys::audit_trail(alert_id),
                                       alert_keys::schedule_outbox(alert_id)};
  std::vector<std::string> args{std::to_string(now_ms),     who.name,
                                std::to_string(threshold),  alert_id,
                                std::to_string(send_at_ms), who.token_id};
  auto reply = co_await redis_.eval(schedule_script(), std::move(script_keys), std::move(args));
  if (!reply) co_return reply.error();
  co_await alerts::relay(redis_, alert_id, alerts::Outbox::audit);
  co_await schedule::apply_schedule_outbox(redis_, alert_id);
  std::string why;
  auto outcome = redis::decode<std::tuple<std::string, std::string, int64_t>>(*reply, &why);
  if (!outcome) {
    spdlog::error("event=send_schedule_failed alert={} error={}", alert_id, log::quote(why));
    co_return std::make_error_code(std::errc::io_error);
  }
  SendStart start;
  std::string status;
  std::tie(status, start.state, start.audience_size) = std::move(*outcome);
  start.status = parse_status(status);
  start.message = explain(start, threshold);
  if (start.status == SendStart::Status::scheduled) {
    start.send_at_ms = send_at_ms;
    spdlog::info("event=alert_scheduled alert={} by={} send_at_ms={} members_now={}", alert_id,
                 log::quote(who.name), send_at_ms, start.audience_size);
  }
  co_return start;
}

}  // namespace tocsin::dispatch
