#include "events/event_hub.h"

#include <spdlog/spdlog.h>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>

#include "alerts/alert_keys.h"
#include "events/event_keys.h"
#include "log/log.h"
#include "redis/client.h"
#include "redis/decode.h"

namespace tocsin::events {
namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

EventHub::Subscription& EventHub::Subscription::operator=(Subscription&& other) noexcept {
  if (this != &other) {
    reset();
    hub_ = std::exchange(other.hub_, nullptr);
    alert_id_ = std::move(other.alert_id_);
    viewer_ = std::exchange(other.viewer_, nullptr);
  }
  return *this;
}

void EventHub::Subscription::reset() {
  if (hub_ != nullptr) hub_->unsubscribe(alert_id_, viewer_);
  hub_ = nullptr;
  viewer_ = nullptr;
}

EventHub::EventHub(asio::any_io_executor executor, redis::Client& redis, HubOptions options)
    : redis_(redis), options_(options), timer_(executor) {}

void EventHub::stop() {
  stopped_ = true;
  timer_.cancel();
}

void EventHub::wake() {
  woken_ = true;
  timer_.cancel();
}

void EventHub::notify(const std::string& alert_id) {
  if (followers_.contains(alert_id)) wake();
}

size_t EventHub::viewers() const {
  size_t count = 0;
  for (const auto& [id, follower] : followers_) count += follower.viewers.size();
  return count;
}

asio::awaitable<Result<EventHub::Subscription>> EventHub::subscribe(std::string alert_id,
                                                                    EventViewer& viewer) {
  if (!followers_.contains(alert_id)) {
    // The position to follow from: the stream's last entry now.
    std::vector<redis::Command> reads{
        {"XREVRANGE", keys::events(alert_id), "+", "-", "COUNT", "1"},
        {"HGET", alerts::keys::alert(alert_id), std::string(alerts::keys::field::kState)}};
    auto replies = co_await redis_.exec_pipeline(std::move(reads));
    if (!replies) co_return replies.error();
    // The last entry (none when the stream is empty): its id; and the alert's state.
    auto last = redis::decode<std::vector<std::pair<std::string, redis::Ignore>>>((*replies)[0]);
    if (!last) co_return make_error_code(std::errc::io_error);
    auto state = redis::decode<std::optional<std::string>>((*replies)[1]);
    // Another viewer may have started following while we waited: theirs stands.
    if (!followers_.contains(alert_id)) {
      Follower follower;
      follower.last_id = last->empty() ? "0-0" : last->front().first;
      follower.state = state ? state->value_or("") : "";
      followers_.emplace(alert_id, std::move(follower));
    }
  }
  followers_[alert_id].viewers.push_back(&viewer);
  wake();  // the loop sleeps while nothing is followed
  co_return Subscription(this, std::move(alert_id), &viewer);
}

void EventHub::unsubscribe(const std::string& alert_id, EventViewer* viewer) {
  auto found = followers_.find(alert_id);
  if (found == followers_.end()) return;
  auto& viewers = found->second.viewers;
  viewers.erase(std::remove(viewers.begin(), viewers.end(), viewer), viewers.end());
  if (viewers.empty()) followers_.erase(found);
}

asio::awaitable<void> EventHub::run() {
  while (!stopped_) {
    bool more = false;
    woken_ = false;
    if (!followers_.empty() && redis_.connected()) {
      const bool with_states = Clock::now() - states_at_ >= options_.state_interval;
      more = co_await read_once(with_states);
    }
    if (stopped_) break;
    if (more || woken_) continue;
    // Nothing followed: sleep until a subscription wakes us.
    timer_.expires_after(followers_.empty() ? std::chrono::hours(1) : options_.poll_interval);
    boost::system::error_code ec;
    co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
}

asio::awaitable<bool> EventHub::read_once(bool with_states) {
  std::vector<std::string> ids;
  std::vector<redis::Command> reads;
  for (const auto& [id, follower] : followers_) {
    ids.push_back(id);
    reads.push_back({"XRANGE", keys::events(id), "(" + follower.last_id, "+", "COUNT",
                     std::to_string(options_.read_count)});
  }
  if (with_states) {
    states_at_ = Clock::now();
    for (const auto& id : ids) {
      reads.push_back({"HGET", alerts::keys::alert(id), std::string(alerts::keys::field::kState)});
    }
  }
  auto replies = co_await redis_.exec_pipeline(std::move(reads));
  ++stats_.reads;
  if (!replies) co_return false;
  bool more = false;
  for (size_t i = 0; i < ids.size(); ++i) {
    // Viewers may have come and gone while we waited: look the follower up again.
    auto found = followers_.find(ids[i]);
    if (found == followers_.end()) continue;
    Follower& follower = found->second;
    std::string why;
    auto range = redis::decode<std::vector<redis::Reply>>((*replies)[i], &why);  // entries
    if (!range) {
      spdlog::warn("event=event_hub_read_failed alert={} error={}", ids[i], log::quote(why));
      continue;
    }
    more = more || range->size() >= options_.read_count;
    for (const auto& raw : *range) {
      auto parsed = parse_entry(raw);
      if (!parsed) continue;
      follower.last_id = parsed->id;
      ++stats_.entries;
      auto entry = std::make_shared<const TurnoutEntry>(std::move(*parsed));
      for (EventViewer* viewer : follower.viewers) viewer->on_entry(entry);
      stats_.deliveries += follower.viewers.size();
    }
    if (with_states) {
      auto state = redis::decode<std::optional<std::string>>((*replies)[ids.size() + i]);
      if (state && *state && **state != follower.state) {
        follower.state = **state;
        for (EventViewer* viewer : follower.viewers) viewer->on_state(follower.state);
      }
    }
  }
  co_return more;
}

}  // namespace tocsin::events
