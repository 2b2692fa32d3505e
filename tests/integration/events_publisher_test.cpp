// The coalescing publisher (events/turnout_publisher.h) on a real redis-server, with the
// counts written directly in Redis as the turnout scripts would write them (the hashes,
// then INCR turnout_version): entries carry only what changed, as absolute values with 0
// for a field gone; a burst becomes at most one entry per interval whose last values are
// the counts; alerts that are not live are left alone; an alert followed as its send
// starts is published before the live alerts are read again; and two publishers sharing
// Redis write each change exactly once.

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <map>

#include "events/turnout_entry.h"
#include "events/turnout_publisher.h"
#include "tests/support/redis_client_fixture.h"

namespace tocsin::events {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using Fields = std::map<std::string, std::string>;

const std::string kAlert = "pub0000000000001";
const std::string kBase = "alert:{" + kAlert + "}";

class EventsPublisher : public testing::RedisClientFixture {
 protected:
  // The alert, live, in the index.
  std::vector<redis::Command> live_alert(const std::string& state = "sending") {
    return {{"ZADD", "alerts", "1", kAlert}, {"HSET", kBase, "state", state}};
  }

  asio::awaitable<void> sleep(std::chrono::milliseconds duration) {
    asio::steady_timer timer(io_, duration);
    co_await timer.async_wait(asio::use_awaitable);
  }

  // Writes like a turnout script: the hash fields (value "" deletes), then one INCR.
  asio::awaitable<void> change(const std::string& hash, const Fields& fields) {
    std::vector<redis::Command> commands;
    for (const auto& [name, value] : fields) {
      if (value.empty()) {
        commands.push_back({"HDEL", kBase + ":" + hash, name});
      } else {
        commands.push_back({"HSET", kBase + ":" + hash, name, value});
      }
    }
    commands.push_back({"INCR", kBase + ":turnout_version"});
    co_await client_.exec_pipeline(std::move(commands));
  }

  asio::awaitable<std::vector<TurnoutEntry>> entries() {
    redis::Command command{"XRANGE", kBase + ":events", "-", "+"};
    auto range = co_await client_.exec(std::move(command));
    std::vector<TurnoutEntry> out;
    if (!range) co_return out;
    for (const auto& raw : range->elements) {
      if (auto entry = parse_entry(raw)) out.push_back(std::move(*entry));
    }
    co_return out;
  }

  // Polls until the stream has `count` entries (or 5 s pass).
  asio::awaitable<std::vector<TurnoutEntry>> wait_entries(size_t count) {
    for (int i = 0; i < 250; ++i) {
      auto found = co_await entries();
      if (found.size() >= count) co_return found;
      co_await sleep(20ms);
    }
    co_return co_await entries();
  }

  void start(TurnoutPublisher& publisher) {
    asio::co_spawn(io_, publisher.run(), [](std::exception_ptr) {});
  }
};

std::map<std::string, int64_t> as_map(const TurnoutEntry& entry) {
  return {entry.fields.begin(), entry.fields.end()};
}

TEST_F(EventsPublisher, EntriesCarryOnlyChangedFieldsAsAbsoluteValuesAndZeroForGone) {
  TurnoutPublisher publisher(io_.get_executor(), client_);
  run(live_alert(), [&]() -> asio::awaitable<void> {
    start(publisher);
    const Fields first_reach{{"estrie|all|targeted", "10"}, {"estrie|all|sent", "4"}};
    co_await change("reach", first_reach);
    const Fields first_tally{{"estrie|all|yes", "2"}, {"estrie|all|no", "1"}};
    co_await change("tally", first_tally);
    auto first = co_await wait_entries(1);
    CO_ASSERT_TRUE(first.size() == 1);
    EXPECT_EQ(as_map(first[0]), (std::map<std::string, int64_t>{{"estrie|all|targeted", 10},
                                                                {"estrie|all|sent", 4},
                                                                {"estrie|all|yes", 2},
                                                                {"estrie|all|no", 1}}));
    // One changes, one goes, one comes, one stays.
    const Fields second_tally{
        {"estrie|all|yes", "3"}, {"estrie|all|no", ""}, {"estrie|all|maybe", "1"}};
    co_await change("tally", second_tally);
    auto second = co_await wait_entries(2);
    CO_ASSERT_TRUE(second.size() == 2);
    EXPECT_EQ(as_map(second[1]),
              (std::map<std::string, int64_t>{
                  {"estrie|all|yes", 3}, {"estrie|all|no", 0}, {"estrie|all|maybe", 1}}));
    redis::Command read_published{"HGETALL", kBase + ":published"};
    auto published = co_await client_.exec(std::move(read_published));
    CO_ASSERT_TRUE(published);
    Fields values;
    for (size_t i = 0; i + 1 < published->elements.size(); i += 2) {
      values[published->elements[i].str] = published->elements[i + 1].str;
    }
    EXPECT_EQ(values.count("estrie|all|no"), 0u);
    EXPECT_EQ(values["estrie|all|yes"], "3");
    EXPECT_EQ(values["estrie|all|targeted"], "10");
    // A version bump that changes nothing writes nothing.
    redis::Command bump{"INCR", kBase + ":turnout_version"};
    co_await client_.exec(std::move(bump));
    co_await sleep(300ms);
    EXPECT_EQ((co_await entries()).size(), 2u);
    publisher.stop();
  });
  EXPECT_GE(publisher.stats().polls, 5u);
}

TEST_F(EventsPublisher, BurstIsCoalescedAndTheLastEntryHoldsTheCounts) {
  TurnoutPublisher publisher(io_.get_executor(), client_);
  run(live_alert(), [&]() -> asio::awaitable<void> {
    start(publisher);
    const auto started = std::chrono::steady_clock::now();
    for (int i = 1; i <= 300; ++i) {  // ~1.5 s of changes, one every 5 ms
      const Fields step{{"estrie|all|yes", std::to_string(i)},
                        {"monteregie|all|yes", std::to_string(1000 - i)}};
      co_await change("tally", step);
      co_await sleep(5ms);
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    co_await sleep(400ms);
    auto all = co_await entries();
    CO_ASSERT_TRUE(!all.empty());
    EXPECT_LE(all.size(), static_cast<size_t>(seconds * 10) + 2) << "at most one per 100 ms";
    EXPECT_GE(all.size(), 5u) << "changes keep flowing during the burst";
    for (size_t i = 1; i < all.size(); ++i) {
      EXPECT_GE(all[i].at_ms - all[i - 1].at_ms, 100) << all[i - 1].id << " then " << all[i].id;
    }
    std::map<std::string, int64_t> last;
    for (const auto& entry : all) {
      for (const auto& [name, value] : entry.fields) last[name] = value;
    }
    EXPECT_EQ(last["estrie|all|yes"], 300);
    EXPECT_EQ(last["monteregie|all|yes"], 700);
    publisher.stop();
  });
}

TEST_F(EventsPublisher, AlertsThatAreNotLiveAreLeftAlone) {
  TurnoutPublisher publisher(io_.get_executor(), client_);
  run(live_alert("closed"), [&]() -> asio::awaitable<void> {
    start(publisher);
    const Fields while_closed{{"estrie|all|yes", "5"}};
    co_await change("tally", while_closed);
    co_await sleep(400ms);
    EXPECT_TRUE((co_await entries()).empty());
    // Sent again (the state is re-read about every second): it is followed.
    redis::Command command{"HSET", kBase, "state", "sent"};
    co_await client_.exec(std::move(command));
    auto found = co_await wait_entries(1);
    EXPECT_EQ(found.size(), 1u);
    publisher.stop();
  });
}

TEST_F(EventsPublisher, AnAlertFollowedAsItStartsIsPublishedBeforeTheLiveAlertsAreReadAgain) {
  // The live alerts are read once, at the start, and not again within this test.
  PublisherOptions options;
  options.list_interval = std::chrono::hours(1);
  TurnoutPublisher publisher(io_.get_executor(), client_, options);
  run({}, [&]() -> asio::awaitable<void> {
    start(publisher);
    co_await sleep(100ms);  // the first read of the live alerts, which finds none
    // The alert starts sending, and its first counts come in.
    auto sending = live_alert();
    co_await client_.exec_pipeline(std::move(sending));
    const Fields first_tally{{"estrie|all|yes", "1"}};
    co_await change("tally", first_tally);
    co_await sleep(300ms);
    EXPECT_TRUE((co_await entries()).empty()) << "published before being followed";
    // Told by the send that started it.
    publisher.follow(kAlert);
    auto found = co_await wait_entries(1);
    CO_ASSERT_TRUE(found.size() == 1);
    EXPECT_EQ(as_map(found[0]), (std::map<std::string, int64_t>{{"estrie|all|yes", 1}}));
    publisher.stop();
  });
}

TEST_F(EventsPublisher, TwoPublishersSharingRedisWriteEachChangeOnce) {
  // A second daemon: its own connection to the same Redis.
  std::string error;
  redis::Options options;
  options.endpoint = redis::parse_url(server_.url(), &error).value();
  redis::Client other(io_.get_executor(), options);
  TurnoutPublisher first(io_.get_executor(), client_);
  TurnoutPublisher second(io_.get_executor(), other);
  run(live_alert(), [&]() -> asio::awaitable<void> {
    asio::co_spawn(io_, other.run(), [](std::exception_ptr) {});
    start(first);
    start(second);
    constexpr int kChanges = 30;
    for (int i = 1; i <= kChanges; ++i) {
      const Fields step{{"estrie|all|yes", std::to_string(i)}};
      co_await change("tally", step);
      co_await sleep(150ms);  // longer than the interval: each change gets its own entry
    }
    auto all = co_await wait_entries(kChanges);
    EXPECT_EQ(all.size(), static_cast<size_t>(kChanges));
    for (size_t i = 0; i < all.size(); ++i) {
      EXPECT_EQ(as_map(all[i]),
                (std::map<std::string, int64_t>{{"estrie|all|yes", static_cast<int64_t>(i + 1)}}))
          << all[i].id;
    }
    // Both saw every change and tried; the script let one of them write it.
    EXPECT_GE(first.stats().scripts, static_cast<uint64_t>(kChanges));
    EXPECT_GE(second.stats().scripts, static_cast<uint64_t>(kChanges));
    EXPECT_EQ(first.stats().entries + second.stats().entries, static_cast<uint64_t>(kChanges));
    first.stop();
    second.stop();
    other.stop();
  });
}

}  // namespace
}  // namespace tocsin::events
