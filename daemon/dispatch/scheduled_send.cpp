#include "dispatch/scheduled_send.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <optional>

#include "alerts/alert_keys.h"
#include "auth/principal.h"
#include "dispatch/send_queue.h"
#include "log/log.h"
#include "redis/client.h"
#include "redis/decode.h"

namespace tocsin::dispatch {
namespace {

namespace keys = alerts::keys;
using Status = SendStart::Status;

// Redis away or a script failing: the item is tried again, the alert still scheduled.
constexpr std::chrono::seconds kRetryAfter{5};

boost::asio::awaitable<schedule::TaskOutcome> send_scheduled(redis::Client& redis,
                                                   dispatch::SendQueue& send_queue,
                                                   std::string alert_id) {
  redis::Command read{"HGET", keys::alert(alert_id), std::string(keys::field::kScheduledBy)};
  auto reply = co_await redis.exec(std::move(read));
  std::string why;
  auto scheduled_by = redis::decode<std::optional<std::string>>(reply, &why);
  if (!scheduled_by) {
    spdlog::warn("event=scheduled_send_retry alert={} error={}", alert_id, log::quote(why));
    co_return schedule::TaskOutcome{false, kRetryAfter};
  }
  // The executive who scheduled it sends it: their name is the actor of the audit entry
  // and the alert's sent_by. The approval rule reads the alert's own tokens, not this one.
  auth::Principal who;
  who.name = scheduled_by->value_or("scheduler");
  who.role = auth::Role::executive;

  auto started = co_await send_queue.start(alert_id, who, dispatch::SendStart::Origin::schedule);
  if (!started) {
    spdlog::warn("event=scheduled_send_retry alert={} error={}", alert_id,
                 log::quote(started.error().message()));
    co_return schedule::TaskOutcome{false, kRetryAfter};
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
  co_return schedule::TaskOutcome{};
}

}  // namespace

schedule::TaskHandler scheduled_send_handler(redis::Client& redis, SendQueue& send_queue) {
  return [&redis, &send_queue](std::string subject) {
    return send_scheduled(redis, send_queue, std::move(subject));
  };
}

}  // namespace tocsin::dispatch
