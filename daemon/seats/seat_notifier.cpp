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
#include "proto/tocsin.pb.h"
#include "redis/client.h"
#include "redis/decode.h"
#include "seats/seat_text.h"

namespace tocsin::seats {
namespace {

namespace asio = boost::asio;
namespace keys = alerts::keys;

constexpr std::string_view kGroup = "seats";
constexpr int kBatch = 200;

std::string field_of(const redis::Reply& fields, std::string_view name) {
  for (size_t i = 0; i + 1 < fields.elements.size(); i += 2) {
    if (fields.elements[i].str == name) return fields.elements[i + 1].str;
  }
  return {};
}

}  // namespace

struct SeatNotifier::Impl : std::enable_shared_from_this<Impl> {
  Impl(asio::any_io_executor executor, redis::Client& redis, SeatNotifierOptions options)
      : redis(redis), options(std::move(options)), timer(executor) {}

  redis::Client& redis;
  const SeatNotifierOptions options;
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
  asio::awaitable<bool> tell(const std::string& entry_id, const redis::Reply& fields) {
    const std::string alert_id = field_of(fields, "alert");
    const std::string member = field_of(fields, "member");
    const Alert* alert = co_await alert_of(alert_id);
    redis::Command contact{"HMGET", "member:" + member + ":idx", "mobile", "language"};
    using Field = std::optional<std::string>;
    auto found = redis::decode<std::pair<Field, Field>>(co_await redis.exec(std::move(contact)));
    if (!found) co_return false;
    const std::string mobile = found->first.value_or("");
    const std::string language = found->second.value_or("");
    if (alert == nullptr || mobile.empty()) {
      ++stats.not_sent;
      co_return true;
    }
    redis::Command registry{"SISMEMBER", keys::opt_out_registry("sms"), mobile};
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
    const std::string stream(keys::kSeatNotices);
    std::string from = "0";  // our own pending notices first (a crash), then new ones
    auto next_claim = std::chrono::steady_clock::now();
    while (!stopping) {
      if (!redis.connected()) {
        co_await pause();
        continue;
      }
      // BUSYGROUP when it exists: fine.
      redis::Command create{"XGROUP", "CREATE", stream, std::string(kGroup), "0", "MKSTREAM"};
      co_await redis.exec(std::move(create));
      if (std::chrono::steady_clock::now() >= next_claim) {
        next_claim = std::chrono::steady_clock::now() + options.claim_idle / 3;
        redis::Command autoclaim{"XAUTOCLAIM", stream, std::string(kGroup), options.consumer,
                                 std::to_string(options.claim_idle.count()), "0-0", "COUNT",
                                 std::to_string(kBatch)};
        auto claimed = co_await redis.exec(std::move(autoclaim));
        if (claimed && claimed->elements.size() >= 2 && !claimed->elements[1].elements.empty()) {
          from = "0";
        }
      }
      redis::Command read{"XREADGROUP", "GROUP",  std::string(kGroup), options.consumer, "COUNT",
                          std::to_string(kBatch), "STREAMS", stream, from};
      auto reply = co_await redis.exec(std::move(read));
      std::vector<std::string> done;
      bool failed = !reply || reply->is_error();
      if (!failed) {
        for (const auto& read : reply->elements) {
          if (read.elements.size() != 2) continue;
          for (const auto& item : read.elements[1].elements) {
            if (item.elements.size() != 2) continue;
            if (!item.elements[1].elements.empty() &&
                !co_await tell(item.elements[0].str, item.elements[1])) {
              failed = true;
              break;
            }
            done.push_back(item.elements[0].str);
          }
        }
      }
      if (failed) from = "0";  // what was not told stays pending: read it again
      if (!done.empty()) {
        redis::Command ack{"XACK", stream, std::string(kGroup)};
        redis::Command del{"XDEL", stream};
        ack.insert(ack.end(), done.begin(), done.end());
        del.insert(del.end(), done.begin(), done.end());
        std::vector<redis::Command> both;
        both.push_back(std::move(ack));
        both.push_back(std::move(del));
        co_await redis.exec_pipeline(std::move(both));
        continue;
      }
      if (!failed && from == "0") {
        from = ">";
        continue;
      }
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
