#include "dispatch/scheduled_send.h"

#include <spdlog/spdlog.h>

#include <chrono>

#include "alerts/alert_keys.h"
#include "auth/principal.h"
#include "dispatch/send_queue.h"
#include "log/log.h"
#include "redis/client.h"

namespace tocsin::schedule {
namespace {

namespace keys = alerts::keys;
using Status = dispatch::SendStart::Status;

// Redis away or a script failing: the item is tried again, the alert still scheduled.
constexpr std::chrono::seconds kRetryAfter{5};

boost::asio::awaitable<TaskOutcome> send_scheduled(redis::Client& redis,
                                                   dispatch::SendQueue& send_queue,
                                                   std::string alert_id) {
  redis::Command read{"HGET", keys::alert(alert_id), std::string(keys::field::kScheduledBy)};
  auto scheduled_by = co_await redis.exec(std::move(read));
  if (!scheduled_by || scheduled_by->is_error()) {
    spdlog::warn("event=scheduled_send_retry alert={} error={}", alert_id,
                 log::quote(scheduled_by ? scheduled_by->str : scheduled_by.error().message()));
    co_return TaskOutcome{false, kRetryAfter};
  }
  // The executive who scheduled it sends it: their name is the actor of the audit entry
  // and the alert's sent_by. The approval rule reads the alert's own tokens, not this one.
  auth::Principal who;
  who.name = scheduled_by->is_nil() ? "scheduler" : scheduled_by->str;
  who.role = auth::Role::executive;

  auto started = co_await send_queue.start(alert_id, who, dispatch::SendStart::Origin::schedule);
  if (!started) {
    spdlog::warn("event=scheduled_send_retry alert={} error={}", alert_id,
                 log::quote(started.error().message()));
    co_return TaskOutcome{false, kRetryAfter};
  }
  switch (started->status) {
    case Status::started:
      spdlog::info("event=scheduled_send_started alert={} by={} members={}", alert_id,
                   log::quote(who.name), started->audience_size);
      break;
    case Status::wrong_state:
      // Started by an earlier run of this item, or cancelled before its time.
      spdlog::info("event=scheduled_send_skipped alert={} state={}", alert_id,
                   log::quote(started->state));
      break;
    case Status::expired:
      spdlog::warn("event=scheduled_send_expired alert={} state={}", alert_id,
                   log::quote(started->state));
      break;
    case Status::needs_approval:
      spdlog::warn("event=scheduled_send_needs_approval alert={} members={} state={}", alert_id,
                   started->audience_size, log::quote(started->state));
      break;
    case Status::not_found:
    case Status::scheduled:
      spdlog::warn("event=scheduled_send_skipped alert={} state={}", alert_id,
                   log::quote(started->state));
      break;
  }
  co_return TaskOutcome{};
}

}  // namespace

TaskHandler scheduled_send_handler(redis::Client& redis, dispatch::SendQueue& send_queue) {
  return [&redis, &send_queue](std::string subject) {
    return send_scheduled(redis, send_queue, std::move(subject));
  };
}

}  // namespace tocsin::schedule
