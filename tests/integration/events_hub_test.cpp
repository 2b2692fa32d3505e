// The event hub (events/event_hub.h) on a real redis-server: one read per poll for all
// viewers of an alert, each entry parsed once and handed in order to every viewer, from
// the stream's position at subscription; a notify reads at once; state changes are told;
// the last viewer leaving ends the follower.

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "events/event_hub.h"
#include "tests/support/redis_client_fixture.h"

namespace tocsin::events {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

const std::string kAlert = "hub0000000000001";
const std::string kEvents = "alert:{" + kAlert + "}:events";

struct RecordingViewer : EventViewer {
  std::vector<std::shared_ptr<const TurnoutEntry>> entries;
  std::vector<std::string> states;
  std::vector<Clock::time_point> arrivals;
  void on_entry(const std::shared_ptr<const TurnoutEntry>& entry) override {
    entries.push_back(entry);
    arrivals.push_back(Clock::now());
  }
  void on_state(const std::string& state) override { states.push_back(state); }
};

class EventsHub : public testing::RedisClientFixture {
 protected:
  asio::awaitable<void> sleep(std::chrono::milliseconds duration) {
    asio::steady_timer timer(io_, duration);
    co_await timer.async_wait(asio::use_awaitable);
  }
  asio::awaitable<std::string> add(const std::string& field, int value) {
    redis::Command command{"XADD", kEvents, "*", field, std::to_string(value)};
    auto id = co_await client_.exec(std::move(command));
    co_return id ? id->str : "";
  }
  // Waits until `condition` holds, up to 5 s.
  template <class Condition>
  asio::awaitable<bool> until(Condition condition) {
    for (int i = 0; i < 500 && !condition(); ++i) co_await sleep(10ms);
    co_return condition();
  }
  void start(EventHub& hub) { asio::co_spawn(io_, hub.run(), [](std::exception_ptr) {}); }
};

TEST_F(EventsHub, EveryViewerGetsEachEntryInOrderParsedOnceFromItsSubscription) {
  EventHub hub(io_.get_executor(), client_, {.poll_interval = 20ms});
  std::vector<RecordingViewer> viewers(100);
  run({{"HSET", "alert:{" + kAlert + "}", "state", "sending"}}, [&]() -> asio::awaitable<void> {
    start(hub);
    co_await add("estrie|all|yes", 1);  // before anyone follows: nobody gets it
    std::vector<EventHub::Subscription> subscriptions;
    for (auto& viewer : viewers) {
      auto subscription = co_await hub.subscribe(kAlert, viewer);
      CO_ASSERT_TRUE(subscription);
      subscriptions.push_back(std::move(*subscription));
    }
    EXPECT_EQ(hub.followed_alerts(), 1u);
    EXPECT_EQ(hub.viewers(), 100u);
    const uint64_t reads_before = hub.stats().reads;
    std::vector<std::string> ids;
    for (int i = 2; i <= 11; ++i) ids.push_back(co_await add("estrie|all|yes", i));
    CO_ASSERT_TRUE(co_await until([&] { return viewers.back().entries.size() == 10; }));
    for (const auto& viewer : viewers) {
      CO_ASSERT_TRUE(viewer.entries.size() == 10);
      for (size_t i = 0; i < 10; ++i) {
        EXPECT_EQ(viewer.entries[i]->id, ids[i]);
        EXPECT_EQ(viewer.entries[i]->fields.at(0).second, static_cast<int64_t>(i + 2));
        // The same parsed entry for everyone.
        EXPECT_EQ(viewer.entries[i].get(), viewers[0].entries[i].get());
      }
    }
    EXPECT_EQ(hub.stats().entries, 10u);
    EXPECT_EQ(hub.stats().deliveries, 1000u);
    // One XRANGE round per poll for all 100 viewers, not one per viewer.
    EXPECT_LT(hub.stats().reads - reads_before, 50u);
    subscriptions.clear();
    EXPECT_EQ(hub.followed_alerts(), 0u);
    EXPECT_EQ(hub.viewers(), 0u);
    hub.stop();
  });
}

TEST_F(EventsHub, NotifyReadsAtOnceAndStateChangesAreTold) {
  // A poll interval so long that only a notify can explain a prompt delivery.
  EventHub hub(io_.get_executor(), client_, {.poll_interval = 10s, .state_interval = 100ms});
  RecordingViewer viewer;
  run({{"HSET", "alert:{" + kAlert + "}", "state", "sending"}}, [&]() -> asio::awaitable<void> {
    start(hub);
    auto subscription = co_await hub.subscribe(kAlert, viewer);
    CO_ASSERT_TRUE(subscription);
    co_await sleep(300ms);  // the hub is asleep in its long poll now
    co_await add("estrie|all|yes", 1);
    const auto written = Clock::now();
    hub.notify(kAlert);
    CO_ASSERT_TRUE(co_await until([&] { return viewer.entries.size() == 1; }));
    EXPECT_LT(viewer.arrivals[0] - written, 100ms);
    EXPECT_TRUE(viewer.states.empty()) << "the state it started with is no news";

    redis::Command command{"HSET", "alert:{" + kAlert + "}", "state", "sent"};
    co_await client_.exec(std::move(command));
    hub.notify(kAlert);  // the states are read with the streams
    co_await sleep(150ms);
    hub.notify(kAlert);
    CO_ASSERT_TRUE(co_await until([&] { return viewer.states.size() == 1; }));
    EXPECT_EQ(viewer.states[0], "sent");
    hub.stop();
  });
}

}  // namespace
}  // namespace tocsin::events
