#include "escalation/wave_runner.h"

#include <spdlog/spdlog.h>

#include <charconv>
#include <optional>
#include <tuple>

#include "alerts/alert_keys.h"
#include "alerts/alert_store.h"
#include "alerts/child_alert.h"
#include "alerts/fleet_fields.h"
#include "alerts/rfc3339.h"
#include "alerts/send_deadline.h"
#include "audit/audit_keys.h"
#include "dispatch/send_queue.h"
#include "alerts/child_alert.h"
#include "log/log.h"
#include "proto/tocsin.pb.h"
#include "redis/client.h"
#include "redis/decode.h"
#include "util/clock.h"

namespace tocsin::escalation {
namespace {

namespace keys = alerts::keys;
using schedule::TaskOutcome;

// Redis away or a transient refusal: the scheduler offers the item again after this.
constexpr TaskOutcome kTryAgain{.done = false, .retry_after = std::chrono::seconds(2)};

}  // namespace

WaveRunner::WaveRunner(redis::Client& redis, const config::Config& config, const Clock& clock,
                       dispatch::SendQueue& send_queue)
    : redis_(redis),
      clock_(clock),
      send_queue_(send_queue),
      store_(std::make_unique<alerts::AlertStore>(redis, config)) {}

WaveRunner::~WaveRunner() = default;

void WaveRunner::handle_waves(schedule::Scheduler& scheduler) {
  scheduler.handle(std::string(kWaveTask),
                   [this](std::string subject) { return run(std::move(subject)); });
}

boost::asio::awaitable<TaskOutcome> WaveRunner::run(std::string subject) {
  const size_t bar = subject.find('|');
  int index = 0;
  const std::string alert_id = subject.substr(0, bar);
  if (bar == std::string::npos ||
      std::from_chars(subject.data() + bar + 1, subject.data() + subject.size(), index).ec !=
          std::errc() ||
      !alerts::is_alert_id(alert_id)) {
    spdlog::error("event=wave_unreadable subject={}", log::quote(subject));
    co_return TaskOutcome{};
  }

  redis::Command read{"HMGET", keys::alert(alert_id), std::string(keys::field::kState),
                      std::string(keys::field::kExpiresAtMs), std::string(keys::field::kProto)};
  using Fields = std::tuple<std::optional<std::string>, std::optional<std::string>,
                            std::optional<std::string>>;
  auto fields = redis::decode<Fields>(co_await redis_.exec(std::move(read)));
  if (!fields) co_return kTryAgain;
  const auto& [stored_state, expires_at_ms, proto] = *fields;
  if (!stored_state) {
    spdlog::warn("event=wave_skipped alert={} wave={} reason=no_such_alert", alert_id, index);
    co_return TaskOutcome{};
  }
  const std::string& state = *stored_state;
  if (state != keys::state::kSending && state != keys::state::kSent) {
    // Cancelled or closed since: its waves go with it.
    co_await skip(alert_id, index, "alert_" + state);
    co_return TaskOutcome{};
  }
  Alert parent;
  parent.ParseFromString(proto.value_or(""));
  const int64_t deadline =
      alerts::send_deadline_ms(std::atoll(expires_at_ms.value_or("").c_str()), parent.event_time());
  if (deadline > 0 && clock_.now_ms() >= deadline) {
    co_await skip(alert_id, index, "event_started_or_expired");
    co_return TaskOutcome{};
  }

  // The seat confirmation's wave: the seats it asks about lapse at lapse_at, once, whoever
  // runs it (a repeated run finds the item there).
  if (index >= 1 && index <= parent.waves_size() &&
      parent.waves(index - 1).target_group() == alerts::kSeatConfirmationGroup) {
    if (const auto lapse_at = alerts::parse_rfc3339(parent.seat_confirmation().lapse_at())) {
      const int64_t due = std::chrono::duration_cast<std::chrono::milliseconds>(
                              lapse_at->time_since_epoch())
                              .count();
      redis::Command lapse{"ZADD", std::string(schedule::kDueKey), "NX", std::to_string(due),
                           std::string(alerts::kSeatLapseTask) + "|" + alert_id};
      if (!redis::decode<redis::Ignore>(co_await redis_.exec(std::move(lapse))))
        co_return kTryAgain;
    }
  }

  auto child = co_await store_->create_wave_child(alert_id, index);
  if (const auto* refusal = std::get_if<alerts::Refusal>(&child)) {
    if (refusal->status >= 500) co_return kTryAgain;
    co_await skip(alert_id, index, "refused:" + refusal->error);
    co_return TaskOutcome{};
  }
  const std::string child_id = std::get<std::string>(child);
  const auth::Principal daemon{.name = "tocsind", .token_id = "", .role = auth::Role::admin,
                               .regions = {}};
  auto started = co_await send_queue_.start(child_id, daemon);
  if (!started) co_return kTryAgain;
  using Status = dispatch::SendStart::Status;
  switch (started->status) {
    case Status::started:
      spdlog::info("event=wave_started alert={} wave={} child={} members={}", alert_id, index,
                   child_id, started->audience_size);
      break;
    case Status::wrong_state:
      // Started by an earlier run of this item (a crash before it was marked done), or
      // cancelled by an officer: either way there is nothing left to do.
      spdlog::info("event=wave_already_handled alert={} wave={} child={} state={}", alert_id,
                   index, child_id, log::quote(started->state));
      break;
    default:
      spdlog::warn("event=wave_not_started alert={} wave={} child={} reason={}", alert_id, index,
                   child_id, log::quote(started->message));
      break;
  }
  co_return TaskOutcome{};
}

boost::asio::awaitable<void> WaveRunner::skip(const std::string& alert_id, int index,
                                              const std::string& reason) {
  spdlog::info("event=wave_skipped alert={} wave={} reason={}", alert_id, index,
               log::quote(reason));
  redis::Command audit{"XADD",    std::string(audit::keys::kAudit), "*", "actor", "tocsind", "action",
                       "alert.wave_skipped", "subject", alert_id, "detail",
                       "wave=" + std::to_string(index) + " reason=" + reason};
  co_await redis_.exec(std::move(audit));
}

}  // namespace tocsin::escalation
