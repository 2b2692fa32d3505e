#include "events/turnout_publisher.h"

#include <spdlog/spdlog.h>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <set>

#include "alerts/alert_keys.h"
#include "events/event_keys.h"
#include "events/milestones.h"
#include "events/publish_script.h"
#include "log/log.h"
#include "proto/tocsin.pb.h"
#include "redis/client.h"

namespace tocsin::events {
namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

TurnoutPublisher::TurnoutPublisher(asio::any_io_executor executor, redis::Client& redis,
                                   PublisherOptions options)
    : redis_(redis), options_(options), timer_(executor) {
  redis_.load_on_connect(publish_turnout_script());
  redis_.load_on_connect(milestone_script());
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
  auto recent = co_await redis_.exec(std::move(list));
  if (!recent || recent->is_error()) co_return;
  std::vector<redis::Command> reads;
  for (const auto& id : recent->elements) {
    reads.push_back({"HGET", alerts::keys::alert(id.str),
                     std::string(alerts::keys::field::kState)});
  }
  std::set<std::string> live;
  if (!reads.empty()) {
    auto states = co_await redis_.exec_pipeline(std::move(reads));
    if (!states) co_return;
    for (size_t i = 0; i < states->size(); ++i) {
      const std::string& state = (*states)[i].str;
      if (state == alerts::keys::state::kSending || state == alerts::keys::state::kSent) {
        live.insert(recent->elements[i].str);
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
    const redis::Reply& reply = (*versions)[i];
    if (reply.is_error()) continue;
    auto found = alerts_.find(ids[i]);
    if (found == alerts_.end()) continue;
    const std::string version = reply.is_nil() ? "0" : reply.str;
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
  std::vector<std::string> script_keys{keys::turnout_version(id), alerts::keys::tally(id),
                                       keys::reach(id), keys::published(id), keys::events(id),
                                       alerts::keys::day(id)};
  std::vector<std::string> args{std::to_string(options_.min_entry_interval.count()),
                                std::to_string(options_.max_stream_length),
                                std::to_string(options_.max_fields_per_entry)};
  auto reply = co_await redis_.eval(publish_turnout_script(), std::move(script_keys),
                                    std::move(args));
  const auto now = Clock::now();
  if (!reply || reply->is_error() || reply->elements.size() != 4) {
    // Redis away or the script refused: try again a little later, not at every poll.
    spdlog::warn("event=turnout_publish_failed alert={} error={}", id,
                 log::quote(!reply ? reply.error().message() : reply->str));
    alert.due = now + std::chrono::seconds(1);
    co_return;
  }
  const int64_t status = reply->elements[0].integer;
  const std::string& detail = reply->elements[2].str;
  if (status == 1) {
    // Another daemon (or this one) wrote an entry less than the interval ago.
    alert.due = now + std::chrono::milliseconds(std::max<int64_t>(1, std::stoll(detail)));
    co_return;
  }
  alert.last_version = reply->elements[1].str;
  alert.pending = false;
  if (status == 2) {
    ++stats_.entries;
    alert.due = now + std::max<Clock::duration>(
                          options_.min_entry_interval,
                          options_.interval_per_field_read * reply->elements[3].integer);
    spdlog::debug("event=turnout_published alert={} entry={}", id, detail);
    co_await check_milestones(id, alert);
    if (on_published_) on_published_(id);
  }
}

// After an entry: the targets and quorums newly reached, each written once (milestones.h).
asio::awaitable<void> TurnoutPublisher::check_milestones(const std::string& id, Alert& alert) {
  if (!alert.goals) {
    redis::Command read{"HGET", alerts::keys::alert(id), std::string(alerts::keys::field::kProto)};
    auto stored = co_await redis_.exec(std::move(read));
    if (!stored || stored->is_error()) co_return;  // read again after the next entry
    tocsin::Alert parsed;
    alert.goals = parsed.ParseFromString(stored->str) ? milestone_goals(parsed)
                                                      : std::vector<std::string>{};
  }
  if (alert.goals->empty()) co_return;
  std::vector<std::string> script_keys{keys::milestones(id), keys::events(id)};
  std::vector<std::string> args{std::to_string(options_.max_stream_length)};
  args.insert(args.end(), alert.goals->begin(), alert.goals->end());
  auto written = co_await redis_.eval(milestone_script(), std::move(script_keys), std::move(args));
  if (written && !written->is_error() && written->integer > 0) {
    spdlog::info("event=milestones_reached alert={} count={}", id, written->integer);
  } else if (written && written->is_error()) {
    spdlog::warn("event=milestones_failed alert={} error={}", id, log::quote(written->str));
  }
}

}  // namespace tocsin::events
