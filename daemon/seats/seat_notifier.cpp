#include "seats/seat_notifier.h"

#include <spdlog/spdlog.h>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <map>
#include <optional>
#include <vector>

#include "alerts/alert_keys.h"
#include "alerts/preview.h"
#include "alerts/sms_encoding.h"
#include "members/member_keys.h"
#include "proto/tocsin.pb.h"
#include "redis/client.h"
#include "redis/decode.h"
#include "redis/stream_consumer.h"
#include "seats/seat_text.h"

namespace tocsin::seats {
namespace {

namespace asio = boost::asio;
namespace keys = alerts::keys;

constexpr std::string_view kGroup = "seats";
constexpr int kBatch = 200;

std::string field_of(const redis::StreamEntry& entry, std::string_view name) {
  return entry.value(name);
}

}  // namespace

struct SeatNotifier::Impl : std::enable_shared_from_this<Impl> {
  Impl(asio::any_io_executor executor, redis::Client& redis, SeatNotifierOptions options)
      : redis(redis), options(std::move(options)), timer(executor) {}

  redis::Client& redis;
  const SeatNotifierOptions options;
  redis::StreamConsumer queue{redis, {.stream = std::string(keys::kSeatNotices),
                                      .group = std::string(kGroup),
                                      .consumer = options.consumer,
                                      .batch = kBatch,
                                      .claim_batch = kBatch,
                                      .claim_idle = options.claim_idle}};
  asio::steady_timer timer;
  bool stopping = false;
  SeatNotifierStats stats;
  std::map<std::string, Alert> alerts;  // by id: a sent alert does not change

  asio::awaitable<void> pause() {
    timer.expires_after(options.poll);
    boost::system::error_code ignored;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
  }

  asio::awaitable<const Alert*> alert_of(const std::string& id) {
    if (auto it = alerts.find(id); it != alerts.end()) co_return &it->second;
    redis::Command read{"HGET", keys::alert(id), std::string(keys::field::kProto)};
    auto stored = redis::decode<std::optional<std::string>>(co_await redis.exec(std::move(read)));
    Alert alert;
    if (!stored || !*stored || !alert.ParseFromString(**stored)) co_return nullptr;
    co_return &(alerts[id] = std::move(alert));
  }

  // Builds and hands on the SMS of one notice; false when Redis failed (read it again).
  asio::awaitable<bool> tell(const std::string& entry_id, const redis::StreamEntry& fields) {
    const std::string alert_id = field_of(fields, "alert");
    const std::string member = field_of(fields, "member");
    const Alert* alert = co_await alert_of(alert_id);
    redis::Command contact{"HMGET", members::keys::index(member), "mobile", "language"};
    using Field = std::optional<std::string>;
    auto found = redis::decode<std::pair<Field, Field>>(co_await redis.exec(std::move(contact)));
    if (!found) co_return false;
    const std::string mobile = found->first.value_or("");
    const std::string language = found->second.value_or("");
    if (alert == nullptr || mobile.empty()) {
      ++stats.not_sent;
      co_return true;
    }
    redis::Command registry{"SISMEMBER", members::keys::opt_out_registry("sms"), mobile};
    auto opted_out = redis::decode<bool>(co_await redis.exec(std::move(registry)));
    if (!opted_out) co_return false;
    if (*opted_out) {
      ++stats.not_sent;
      co_return true;
    }
    SeatNews news;
    news.kind = field_of(fields, "kind");
    news.language = alerts::message_language(*alert, language);
    news.alert_code = alert->code();
    news.bus = std::atoi(field_of(fields, "bus").c_str());
    news.rank = std::atoi(field_of(fields, "rank").c_str());
    const std::string pickup = field_of(fields, "pickup");
    for (const PickupPoint& point : alert->pickup_points()) {
      if (point.id() == pickup) {
        news.pickup = alerts::describe_pickup(point, news.language, options.time_zone);
      }
    }
    adapters::OutgoingMessage message;
    message.alert_id = alert_id;
    message.member_id = member;
    message.channel = "sms";
    message.to = mobile;
    message.language = news.language;
    message.text = seat_news_text(news);
    message.segments = static_cast<int>(alerts::measure_sms(message.text).segments);
    message.idempotency_key = "seat:" + entry_id;
    message.alert_code = alert->code();
    ++stats.sent;
    if (options.send) options.send(std::move(message));
    co_return true;
  }

  asio::awaitable<void> run() {
    auto self = shared_from_this();
    while (!stopping) {
      if (!redis.connected()) {
        co_await pause();
        continue;
      }
      // Notices a silent daemon left: ours now, read from "0".
      if (queue.claim_due()) co_await queue.take_over();
      // Our own pending notices first (a crash), then new ones.
      const bool pending = queue.state().reading_pending();
      auto read = co_await queue.read();
      std::vector<std::string> done;
      bool failed = !read;
      if (!failed) {
        for (const redis::StreamEntry& item : *read) {
          if (!item.deleted() && !co_await tell(item.id, item)) {
            failed = true;
            break;
          }
          done.push_back(item.id);
        }
      }
      if (failed) queue.rewind();  // what was not told stays pending: read it again
      if (!done.empty()) {
        co_await queue.ack(done, /*remove=*/true);
        continue;
      }
      if (!failed && pending) continue;  // none left: the new ones at once
      co_await pause();
    }
  }
};

SeatNotifier::SeatNotifier(asio::any_io_executor executor, redis::Client& redis,
                           SeatNotifierOptions options)
    : impl_(std::make_shared<Impl>(std::move(executor), redis, std::move(options))) {}

SeatNotifier::~SeatNotifier() = default;

asio::awaitable<void> SeatNotifier::run() { return impl_->run(); }

void SeatNotifier::stop() {
  impl_->stopping = true;
  impl_->timer.cancel();
}

SeatNotifierStats SeatNotifier::stats() const { return impl_->stats; }

}  // namespace tocsin::seats
