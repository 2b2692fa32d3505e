#include "alerts/alert_relay.h"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include <optional>
#include <utility>
#include <vector>

#include "alerts/alert_keys.h"
#include "audit/audit_keys.h"
#include "audit/audit_relay.h"
#include "redis/decode.h"

namespace tocsin::alerts {
namespace asio = boost::asio;

namespace {

constexpr Outbox kOutboxes[] = {Outbox::audit, Outbox::seat_notices};

const char* outbox_name(Outbox outbox) {
  return outbox == Outbox::audit ? "audit" : "seat_notices";
}

using Entries = std::vector<std::pair<std::string, std::vector<std::string>>>;

}  // namespace

redis::RelayTarget relay_target(Outbox outbox) {
  // A trail without a cursor is relayed from when relaying began: an older tocsind wrote
  // its entries to the audit log too.
  if (outbox == Outbox::audit) return audit::relay_target(true);
  return {std::string(keys::kSeatNotices), std::string(keys::kSeatNoticesRelayed)};
}

std::string outbox_source(Outbox outbox, const std::string& alert_id) {
  return outbox == Outbox::audit ? keys::audit_trail(alert_id) : keys::seat_notices(alert_id);
}

OutboxRoute route(Outbox outbox) {
  return {outbox_name(outbox),
          [outbox](const std::string& alert_id) { return outbox_source(outbox, alert_id); },
          relay_target(outbox)};
}

asio::awaitable<void> relay(redis::Client& redis, const std::string& alert_id,
                            const OutboxRoute& route) {
  const std::string source = route.source(alert_id);
  auto relayed = co_await redis::relay_stream(redis, route.target, source);
  if (!relayed) {
    spdlog::warn("event=relay_deferred alert={} outbox={} error={}", alert_id, route.name,
                 relayed.error().message());
  }
}

asio::awaitable<void> relay(redis::Client& redis, const std::string& alert_id, Outbox outbox) {
  const OutboxRoute one = route(outbox);
  co_await relay(redis, alert_id, one);
}

asio::awaitable<void> relay_all(redis::Client& redis, const std::string& alert_id) {
  for (Outbox outbox : kOutboxes) co_await relay(redis, alert_id, outbox);
}

void register_relays(redis::Client& redis) {
  redis::load_relay_script(redis);
  redis.run_on_connect(redis::relay_began_command(std::string(audit::keys::kRelayBegan)));
}

asio::awaitable<Result<size_t>> sweep_relays(redis::Client& redis) {
  const std::vector<OutboxRoute> routes{route(Outbox::audit), route(Outbox::seat_notices)};
  co_return co_await sweep_relays(redis, routes);
}

asio::awaitable<Result<size_t>> sweep_relays(redis::Client& redis,
                                             const std::vector<OutboxRoute>& routes,
                                             const std::vector<redis::RelaySource>& standing) {
  size_t relayed = 0;
  for (const auto& one : standing) {
    auto moved = co_await redis::relay_stream(redis, one.target, one.source);
    if (!moved) co_return moved.error();
    relayed += *moved;
  }
  redis::Command list{"ZRANGE", std::string(keys::kIndex), "0", "-1"};
  auto ids = redis::decode<std::vector<std::string>>(co_await redis.exec(std::move(list)));
  if (!ids) co_return ids.error();
  if (ids->empty()) {
    if (relayed > 0) spdlog::info("event=relays_made_up entries={}", relayed);
    co_return relayed;
  }
  for (const OutboxRoute& route : routes) {
    const redis::RelayTarget& target = route.target;
    // Each source's last entry against its cursor: only those behind are relayed.
    std::vector<redis::Command> reads;
    reads.reserve(ids->size() + 1);
    redis::Command cursors{"HMGET", target.cursors};
    for (const auto& id : *ids) {
      const auto source = route.source(id);
      reads.push_back({"XREVRANGE", source, "+", "-", "COUNT", "1"});
      cursors.push_back(source);
    }
    reads.push_back(std::move(cursors));
    auto replies = co_await redis.exec_pipeline(std::move(reads));
    if (!replies) co_return replies.error();
    auto at = redis::decode<std::vector<std::optional<std::string>>>(replies->back());
    if (!at) co_return at.error();
    for (size_t i = 0; i < ids->size(); ++i) {
      auto last = redis::decode<Entries>((*replies)[i]);
      if (!last) co_return last.error();
      if (last->empty() || (*at)[i] == last->front().first) continue;
      const std::string source = route.source((*ids)[i]);
      auto moved = co_await redis::relay_stream(redis, target, source);
      if (!moved) co_return moved.error();
      relayed += *moved;
    }
  }
  if (relayed > 0) spdlog::info("event=relays_made_up entries={}", relayed);
  co_return relayed;
}

struct AlertRelaySweep::Impl {
  Impl(asio::any_io_executor executor, redis::Client& redis, std::vector<OutboxRoute> routes,
       std::chrono::milliseconds interval, std::vector<redis::RelaySource> standing)
      : redis(redis),
        routes(std::move(routes)),
        standing(std::move(standing)),
        interval(interval),
        timer(std::move(executor)) {}

  redis::Client& redis;
  std::vector<OutboxRoute> routes;
  std::vector<redis::RelaySource> standing;
  std::chrono::milliseconds interval;
  asio::steady_timer timer;
  bool stopping = false;
  bool first_done = false;

  asio::awaitable<void> pause(std::chrono::milliseconds wait) {
    timer.expires_after(wait);
    boost::system::error_code ignored;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
  }

  asio::awaitable<void> run() {
    while (!stopping) {
      bool swept = false;
      if (redis.connected()) {
        auto relayed = co_await sweep_relays(redis, routes, standing);
        swept = bool(relayed);
        if (!swept) spdlog::warn("event=relay_sweep_failed error={}", relayed.error().message());
      }
      // Until a first sweep (Redis away at start), soon again.
      if (swept) first_done = true;
      co_await pause(first_done ? interval : std::chrono::milliseconds(500));
    }
  }
};

AlertRelaySweep::AlertRelaySweep(asio::any_io_executor executor, redis::Client& redis,
                                 std::vector<OutboxRoute> routes,
                                 std::chrono::milliseconds interval,
                                 std::vector<redis::RelaySource> standing)
    : impl_(std::make_shared<Impl>(std::move(executor), redis, std::move(routes), interval,
                                   std::move(standing))) {}

AlertRelaySweep::~AlertRelaySweep() = default;

asio::awaitable<void> AlertRelaySweep::run() {
  auto self = impl_;
  co_await self->run();
}

void AlertRelaySweep::stop() {
  impl_->stopping = true;
  impl_->timer.cancel();
}

}  // namespace tocsin::alerts
