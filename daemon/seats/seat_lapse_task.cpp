#include "seats/seat_lapse_task.h"

#include <spdlog/spdlog.h>

#include "alerts/alert_keys.h"
#include "alerts/alert_store.h"
#include "log/log.h"
#include "redis/client.h"
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
    auto state = co_await redis.exec(std::move(read));
    if (!state || state->is_error()) co_return kTryAgain;
    if (state->str != keys::state::kSending && state->str != keys::state::kSent) {
      spdlog::info("event=seat_lapse_skipped alert={} state={}", alert_id,
                   log::quote(state->str));
      co_return TaskOutcome{};
    }
    std::vector<std::string> no_keys;
    std::vector<std::string> args{alert_id, std::to_string(clock.now_ms())};
    auto lapsed =
        co_await redis.eval(lapse_unconfirmed_script(), std::move(no_keys), std::move(args));
    if (!lapsed || lapsed->is_error() || lapsed->elements.size() != 2) co_return kTryAgain;
    spdlog::info("event=seats_lapsed alert={} lapsed={} boarded={}", alert_id,
                 lapsed->elements[0].integer, lapsed->elements[1].integer);
    co_return TaskOutcome{};
  };
}

}  // namespace tocsin::seats
