#include "seats/seat_lapse_task.h"

#include <spdlog/spdlog.h>

#include "alerts/alert_keys.h"
#include "alerts/alert_relay.h"
#include "alerts/alert_store.h"
#include "log/log.h"
#include "redis/client.h"
#include "redis/decode.h"
#include "seats/seat_scripts.h"
#include "util/clock.h"

namespace tocsin::seats {

namespace keys = alerts::keys;
using schedule::TaskOutcome;

schedule::TaskHandler seat_lapse_handler(redis::Client& redis, const Clock& clock) {
  return [&redis, &clock](std::string alert_id) -> boost::asio::awaitable<TaskOutcome> {
    constexpr TaskOutcome kTryAgain{.done = false, .retry_after = std::chrono::seconds(2)};
    if (!alerts::is_alert_id(alert_id)) {
      spdlog::error("event=seat_lapse_unreadable subject={}", log::quote(alert_id));
      co_return TaskOutcome{};
    }
    redis::Command read{"HGET", keys::alert(alert_id), std::string(keys::field::kState)};
    auto state = redis::decode<std::optional<std::string>>(co_await redis.exec(std::move(read)));
    if (!state) co_return kTryAgain;
    const std::string current = state->value_or("");
    if (current != keys::state::kSending && current != keys::state::kSent) {
      spdlog::info("event=seat_lapse_skipped alert={} state={}", alert_id, log::quote(current));
      co_return TaskOutcome{};
    }
    std::vector<std::string> args{alert_id, std::to_string(clock.now_ms())};
    auto reply = co_await redis.eval(lapse_unconfirmed_script(), lapse_unconfirmed_keys(alert_id),
                                     std::move(args));
    // {members sent to the waitlist, members boarded}
    auto lapsed = redis::decode<std::pair<int64_t, int64_t>>(reply);
    if (!lapsed) co_return kTryAgain;
    co_await alerts::relay(redis, alert_id, alerts::Outbox::seat_notices);
    spdlog::info("event=seats_lapsed alert={} lapsed={} boarded={}", alert_id, lapsed->first,
                 lapsed->second);
    co_return TaskOutcome{};
  };
}

}  // namespace tocsin::seats
