// The relay of an alert's own streams to the shared ones (alerts/alert_relay.h over
// redis/stream_relay.h) against a real redis-server: each trail entry reaches the global
// audit stream once and in order, whatever relays at once; what a tocsind of before the
// relay wrote to both streams is not copied again; the sweep makes up a relay a crash cut
// short, for the audit trail, the seat news and the scheduler's items, and a standing
// stream's (the accounts' audit entries).

#include "alerts/alert_relay.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "alerts/alert_keys.h"
#include "audit/audit_relay.h"
#include "redis/decode.h"
#include "redis/url.h"
#include "schedule/schedule_outbox.h"
#include "redis/stream_relay.h"
#include "tests/support/redis_client_fixture.h"

namespace tocsin::alerts {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

const std::string kAlert = "relayalert000001";
const std::string kOther = "relayalert000002";

class AlertRelayTest : public testing::RedisClientFixture {
 protected:
  // The actions of the audit stream's entries (or the kinds of seat news), in order.
  asio::awaitable<std::vector<std::string>> actions(std::string stream = "audit") {
    co_return co_await stream_values(std::move(stream), "action", "kind");
  }
  asio::awaitable<void> trail(std::string alert, std::string action) {
    redis::Command add{"XADD", keys::audit_trail(alert), "*", "actor", "Ana", "action", action};
    co_await client_.exec(std::move(add));
  }
};

TEST_F(AlertRelayTest, EachTrailEntryReachesTheAuditStreamOnceInOrder) {
  run({}, [&]() -> asio::awaitable<void> {
    co_await trail(kAlert, "alert.create");
    co_await trail(kAlert, "alert.approve");
    co_await relay(client_, kAlert, Outbox::audit);
    co_await relay(client_, kAlert, Outbox::audit);  // nothing new: nothing appended
    {
      const auto got = co_await actions();
      EXPECT_EQ(got, (std::vector<std::string>{"alert.create", "alert.approve"}));
    }
    co_await trail(kAlert, "alert.send");
    co_await relay(client_, kAlert, Outbox::audit);
    {
      const auto got = co_await actions();
      EXPECT_EQ(got, (std::vector<std::string>{"alert.create", "alert.approve", "alert.send"}));
    }
  });
}

TEST_F(AlertRelayTest, ATrailLongerThanABatchIsRelayedWhole) {
  run({}, [&]() -> asio::awaitable<void> {
    std::vector<redis::Command> adds;
    for (int i = 0; i < 450; ++i) {
      adds.push_back({"XADD", keys::audit_trail(kAlert), "*", "action", std::to_string(i)});
    }
    co_await client_.exec_pipeline(std::move(adds));
    const redis::RelayTarget target = relay_target(Outbox::audit);
    const std::string source = keys::audit_trail(kAlert);
    auto relayed = co_await redis::relay_stream(client_, target, source, 200);
    CO_ASSERT_TRUE(relayed);
    EXPECT_EQ(*relayed, 450u);
    const auto all = co_await actions();
    CO_ASSERT_TRUE(all.size() == 450u);
    for (int i = 0; i < 450; ++i) EXPECT_EQ(all[i], std::to_string(i));
  });
}

TEST_F(AlertRelayTest, RelaysRacingFromTwoClientsAppendEachEntryOnce) {
  std::string error;
  redis::Options options;
  options.endpoint = redis::parse_url(server_.url(), &error).value();
  redis::Client second(io_.get_executor(), std::move(options));
  asio::co_spawn(io_, second.run(), asio::detached);
  run({}, [&]() -> asio::awaitable<void> {
    asio::steady_timer timer(io_);
    while (!second.connected()) {
      timer.expires_after(10ms);
      co_await timer.async_wait(asio::use_awaitable);
    }
    for (int round = 0; round < 20; ++round) {
      std::string action = "a" + std::to_string(round);
      co_await trail(kAlert, std::move(action));
      int done = 0;
      auto one = [&](redis::Client& client) -> asio::awaitable<void> {
        co_await relay(client, kAlert, Outbox::audit);
        ++done;
      };
      asio::co_spawn(io_, one(client_), asio::detached);
      asio::co_spawn(io_, one(second), asio::detached);
      while (done < 2) {
        timer.expires_after(1ms);
        co_await timer.async_wait(asio::use_awaitable);
      }
    }
    const auto all = co_await actions();
    CO_ASSERT_TRUE(all.size() == 20u);
    for (int round = 0; round < 20; ++round) EXPECT_EQ(all[round], "a" + std::to_string(round));
    second.stop();
  });
}

TEST_F(AlertRelayTest, WhatAnOlderDaemonWroteToBothStreamsIsNotCopiedAgain) {
  run({}, [&]() -> asio::awaitable<void> {
    // An older tocsind wrote each entry to the trail and to the audit stream itself.
    for (const char* action : {"alert.create", "alert.approve"}) {
      redis::Command both{"XADD", "audit", "*", "action", action};
      co_await client_.exec(std::move(both));
      co_await trail(kAlert, action);
    }
    // The first daemon that relays connects, a millisecond later at least (relaying begins
    // with the millisecond it connects, which it relays whole).
    redis::Command last{"XREVRANGE", keys::audit_trail(kAlert), "+", "-", "COUNT", "1"};
    auto written = redis::decode<std::vector<std::pair<std::string, std::vector<std::string>>>>(
        co_await client_.exec(std::move(last)));
    CO_ASSERT_TRUE(written && written->size() == 1);
    const int64_t written_ms = std::stoll(written->front().first);
    asio::steady_timer timer(io_);
    for (;;) {
      redis::Command time{"TIME"};
      auto now = redis::decode<std::pair<int64_t, int64_t>>(co_await client_.exec(std::move(time)));
      CO_ASSERT_TRUE(now);
      if (now->first * 1000 + now->second / 1000 > written_ms) break;
      timer.expires_after(1ms);
      co_await timer.async_wait(asio::use_awaitable);
    }
    redis::Command began = redis::relay_began_command("{audit}:relay_began");
    co_await client_.exec(std::move(began));
    co_await trail(kAlert, "alert.send");
    co_await relay(client_, kAlert, Outbox::audit);
    {
      const auto got = co_await actions();
      EXPECT_EQ(got, (std::vector<std::string>{"alert.create", "alert.approve", "alert.send"}));
    }
  });
}

TEST_F(AlertRelayTest, TheSweepMakesUpRelaysACrashCutShort) {
  run({{"ZADD", std::string(keys::kIndex), "1", kAlert, "2", kOther}},
      [&]() -> asio::awaitable<void> {
        // Written, then the daemon died before relaying.
        co_await trail(kAlert, "alert.create");
        co_await trail(kOther, "alert.create");
        redis::Command notice{"XADD", keys::seat_notices(kAlert), "*", "alert", kAlert,
                              "member",       "m1", "kind", "promoted"};
        co_await client_.exec(std::move(notice));
        auto swept = co_await sweep_relays(client_);
        CO_ASSERT_TRUE(swept);
        EXPECT_EQ(*swept, 3u);
        {
          const auto got = co_await actions();
          EXPECT_EQ(got, (std::vector<std::string>{"alert.create", "alert.create"}));
        }
        {
          const auto got = co_await actions(std::string(keys::kSeatNotices));
          EXPECT_EQ(got, (std::vector<std::string>{"promoted"}));
        }
        // Nothing left behind: a second sweep relays nothing.
        auto again = co_await sweep_relays(client_);
        CO_ASSERT_TRUE(again);
        EXPECT_EQ(*again, 0u);
      });
}

TEST_F(AlertRelayTest, TheSweepMakesUpAStandingStreamEvenWithNoAlert) {
  // The accounts' audit entries ({auth}:audit): relayed with no alert in the index.
  const std::string accounts_audit = "{auth}:audit";
  run({}, [&]() -> asio::awaitable<void> {
    redis::Command add{"XADD", accounts_audit, "*", "actor", "ops", "action", "account.create"};
    co_await client_.exec(std::move(add));
    const std::vector<redis::RelaySource> standing{{accounts_audit, audit::relay_target(false)}};
    auto swept = co_await sweep_relays(client_, {}, standing);
    CO_ASSERT_TRUE(swept);
    EXPECT_EQ(*swept, 1u);
    {
      const auto got = co_await actions();
      EXPECT_EQ(got, std::vector<std::string>{"account.create"});
    }
    auto again = co_await sweep_relays(client_, {}, standing);
    CO_ASSERT_TRUE(again);
    EXPECT_EQ(*again, 0u);
  });
}

TEST_F(AlertRelayTest, TheSweepAppliesSchedulerItemsASendLeftInItsOutbox) {
  run({{"ZADD", std::string(keys::kIndex), "1", kAlert}}, [&]() -> asio::awaitable<void> {
    // A send started (dispatch/send_start.lua), then the daemon died before applying.
    redis::Command add{"XADD", keys::schedule_outbox(kAlert), "*", "op", "add",
                       "item", "queue|" + kAlert,          "due", "6000"};
    co_await client_.exec(std::move(add));
    const std::vector<OutboxRoute> routes{schedule::schedule_outbox_route()};
    auto swept = co_await sweep_relays(client_, routes);
    CO_ASSERT_TRUE(swept);
    EXPECT_EQ(*swept, 1u);
    redis::Command score{"ZSCORE", "{schedule}", "queue|" + kAlert};
    auto due = redis::decode<std::optional<std::string>>(co_await client_.exec(std::move(score)));
    CO_ASSERT_TRUE(due);
    EXPECT_EQ(due->value_or(""), "6000");
  });
}

}  // namespace
}  // namespace tocsin::alerts
