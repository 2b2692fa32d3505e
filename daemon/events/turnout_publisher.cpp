#include "events/turnout_publisher.h"

#include <spdlog/spdlog.h>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <optional>
#include <set>
#include <tuple>

#include "alerts/alert_keys.h"
#include "events/event_keys.h"
#include "events/milestones.h"
#include "events/publish_script.h"
#include "log/log.h"
#include "proto/tocsin.pb.h"
#include "redis/client.h"
#include "redis/decode.h"

namespace tocsin::events {
namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

TurnoutPublisher::TurnoutPublisher(asio::any_io_executor executor, redis::Client& redis,
                                   PublisherOptions options)
    : redis_(redis), options_(options), timer_(executor) {
  redis_.load_on_connect(publish_turnout_script());
  redis_.load_on_connect(milestone_script());
}

void TurnoutPublisher::follow(const std::string& alert_id) {
  alerts_.try_emplace(alert_id);
  timer_.cancel();  // polls now, if it was waiting
}

void TurnoutPublisher::stop() {
  stopped_ = true;
  timer_.cancel();
}

asio::awaitable<void> TurnoutPublisher::run() {
  while (!stopped_) {
    if (redis_.connected()) {
      if (Clock::now() - listed_at_ >= options_.list_interval) co_await read_live_alerts();
      if (!alerts_.empty()) {
        co_await poll_versions();
        co_await publish_due();
      }
    }
    if (stopped_) break;
    timer_.expires_at(next_wake());
    boost::system::error_code ec;
    co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
}

Clock::time_point TurnoutPublisher::next_wake() const {
  const auto now = Clock::now();
  auto wake = now + options_.poll_interval;
  // A change held back by the minimum interval goes out when the interval ends, not at
  // the next poll after it.
  for (const auto& [id, alert] : alerts_) {
    if (alert.pending && alert.due < wake) wake = std::max(alert.due, now);
  }
  return wake;
}

// The sending or sent alerts among the most recent; an alert that stopped being live
// stays until its last change is published.
asio::awaitable<void> TurnoutPublisher::read_live_alerts() {
  listed_at_ = Clock::now();
  redis::Command list{"ZREVRANGE", std::string(alerts::keys::kIndex), "0",
                      std::to_string(options_.recent_alerts - 1)};
  auto recent = redis::decode<std::vector<std::string>>(co_await redis_.exec(std::move(list)));
  if (!recent) co_return;
  std::vector<redis::Command> reads;
  for (const auto& id : *recent) {
    reads.push_back({"HGET", alerts::keys::alert(id), std::string(alerts::keys::field::kState)});
  }
  std::set<std::string> live;
  if (!reads.empty()) {
    auto states = co_await redis_.exec_pipeline(std::move(reads));
    if (!states) co_return;
    for (size_t i = 0; i < states->size(); ++i) {
      auto state = redis::decode<std::optional<std::string>>((*states)[i]);
      if (state && *state &&
          (**state == alerts::keys::state::kSending || **state == alerts::keys::state::kSent)) {
        live.insert((*recent)[i]);
      }
    }
  }
  for (auto it = alerts_.begin(); it != alerts_.end();) {
    it = live.contains(it->first) || it->second.pending ? std::next(it) : alerts_.erase(it);
  }
  for (const auto& id : live) alerts_.try_emplace(id);
}

asio::awaitable<void> TurnoutPublisher::poll_versions() {
  std::vector<redis::Command> reads;
  std::vector<std::string> ids;
  for (const auto& [id, alert] : alerts_) {
    reads.push_back({"GET", keys::turnout_version(id)});
    ids.push_back(id);
  }
  auto versions = co_await redis_.exec_pipeline(std::move(reads));
  ++stats_.polls;
  if (!versions) co_return;
  for (size_t i = 0; i < ids.size(); ++i) {
    auto read = redis::decode<std::optional<std::string>>((*versions)[i]);
    if (!read) continue;
    auto found = alerts_.find(ids[i]);
    if (found == alerts_.end()) continue;
    const std::string version = read->value_or("0");
    found->second.polled_version = version;
    if (version != found->second.last_version) found->second.pending = true;
  }
}

asio::awaitable<void> TurnoutPublisher::publish_due() {
  std::vector<std::string> due;
  const auto now = Clock::now();
  for (const auto& [id, alert] : alerts_) {
    if (alert.pending && alert.due <= now) due.push_back(id);
  }
  for (const auto& id : due) {
    auto found = alerts_.find(id);
    if (found != alerts_.end() && !stopped_) co_await publish(id, found->second);
  }
}

asio::awaitable<void> TurnoutPublisher::publish(const std::string& id, Alert& alert) {
  ++stats_.scripts;
  std::vector<std::string> args{std::to_string(options_.min_entry_interval.count()),
                                std::to_string(options_.max_stream_length),
                                std::to_string(options_.max_fields_per_entry),
                                std::to_string(options_.max_fields_per_entry)};
  auto reply =
      co_await redis_.eval(publish_turnout_script(), publish_turnout_keys(id), std::move(args));
  const auto now = Clock::now();
  std::string why;
  // status, version, detail, fields compared (publish_script.h)
  auto result = redis::decode<std::tuple<int64_t, std::string, std::string, int64_t>>(reply, &why);
  if (!result) {
    // Redis away or the script refused: try again a little later, not at every poll.
    spdlog::warn("event=turnout_publish_failed alert={} error={}", id, log::quote(why));
    alert.due = now + std::chrono::seconds(1);
    co_return;
  }
  const int64_t status = std::get<0>(*result);
  const std::string& detail = std::get<2>(*result);
  if (status == 1) {
    // Another daemon (or this one) wrote an entry less than the interval ago.
    alert.due = now + std::chrono::milliseconds(std::max<int64_t>(1, std::stoll(detail)));
    co_return;
  }
  alert.last_version = std::get<1>(*result);
  // Behind the version the poll read: the script left moved fields for the next run (at
  // most so many per run), or the counts moved again meanwhile. Either way, run again at
  // the next poll rather than after the interval: the script itself keeps entries apart
  // once the whole version is published.
  const bool behind = alert.last_version != alert.polled_version;
  alert.pending = behind;
  if (status == 2) {
    ++stats_.entries;
    alert.due = behind ? now
                       : now + std::max<Clock::duration>(
                                   options_.min_entry_interval,
                                   options_.interval_per_field_read * std::get<3>(*result));
    spdlog::debug("event=turnout_published alert={} entry={}", id, detail);
    co_await check_milestones(id, alert);
    if (on_published_) on_published_(id);
  }
}

// After an entry: the targets and quorums newly reached, each written once (milestones.h).
asio::awaitable<void> TurnoutPublisher::check_milestones(const std::string& id, Alert& alert) {
  if (!alert.goals) {
    redis::Command read{"HGET", alerts::keys::alert(id), std::string(alerts::keys::field::kProto)};
    auto stored = redis::decode<std::optional<std::string>>(co_await redis_.exec(std::move(read)));
    if (!stored) co_return;  // read again after the next entry
    tocsin::Alert parsed;
    alert.goals = parsed.ParseFromString(stored->value_or("")) ? milestone_goals(parsed)
                                                               : std::vector<std::string>{};
  }
  if (alert.goals->empty()) co_return;
  std::vector<std::string> args{std::to_string(options_.max_stream_length)};
  args.insert(args.end(), alert.goals->begin(), alert.goals->end());
  auto reply = co_await redis_.eval(milestone_script(), milestone_keys(id), std::move(args));
  std::string why;
  auto written = redis::decode<int64_t>(reply, &why);
  if (written && *written > 0) {
    spdlog::info("event=milestones_reached alert={} count={}", id, *written);
  } else if (!written && reply) {
    spdlog::warn("event=milestones_failed alert={} error={}", id, log::quote(why));
  }
}

}  // namespace tocsin::events
