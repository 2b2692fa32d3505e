// The stream consumer (redis/stream_consumer.h) against a real redis-server: two
// consumers sharing a group, one going silent and the other taking over its entries, a
// Redis restart, a group lost to FLUSHALL, a daemon restart, a blocking read on a
// connection of its own; and nothing read twice once acknowledged, also when the
// acknowledgement waits for the next read (kept through a Redis restart). A read also
// tells the group's first pending entry when asked.

#include "redis/stream_consumer.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <set>

#include "redis/client.h"
#include "redis/decode.h"
#include "tests/support/redis_client_fixture.h"

namespace tocsin::redis {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr auto kClaimIdle = 300ms;

StreamConsumerOptions options_for(std::string consumer) {
  return {.stream = "q:test",
          .group = "workers",
          .consumer = std::move(consumer),
          .batch = 100,
          .claim_batch = 100,
          .claim_idle = kClaimIdle};
}

std::vector<std::string> ids_of(const std::vector<StreamEntry>& entries) {
  std::vector<std::string> ids;
  for (const StreamEntry& entry : entries) ids.push_back(entry.id);
  return ids;
}

class RedisStreamConsumerTest : public testing::RedisClientFixture {
 protected:
  asio::awaitable<void> sleep(std::chrono::milliseconds duration) {
    asio::steady_timer timer(io_);
    timer.expires_after(duration);
    co_await timer.async_wait(asio::use_awaitable);
  }

  // Waits (up to 10 s) for the client's next connection after `reconnects` of them.
  asio::awaitable<void> wait_reconnected(uint64_t reconnects) {
    const auto deadline = Clock::now() + 10s;
    while (!(client_.connected() && client_.reconnects() > reconnects) && Clock::now() < deadline) {
      co_await sleep(20ms);
    }
  }

  // Adds `n` entries "n" = 0..n-1 and returns their ids.
  asio::awaitable<std::vector<std::string>> add(int n) {
    std::vector<std::string> ids;
    for (int i = 0; i < n; ++i) {
      Command add{"XADD", "q:test", "*", "n", std::to_string(i)};
      auto id = decode<std::string>(co_await client_.exec(std::move(add)));
      EXPECT_TRUE(id);
      if (id) ids.push_back(*id);
    }
    co_return ids;
  }

  asio::awaitable<int64_t> pending_count() {
    Command summary{"XPENDING", "q:test", "workers"};
    auto reply =
        decode<std::tuple<int64_t, Rest<Ignore>>>(co_await client_.exec(std::move(summary)));
    co_return reply ? std::get<0>(*reply) : -1;
  }

  // Reads until a read returns nothing new; every entry read, in order.
  asio::awaitable<std::vector<std::string>> read_all(StreamConsumer& consumer) {
    std::vector<std::string> all;
    for (int i = 0; i < 20; ++i) {
      const bool pending = consumer.state().reading_pending();
      auto read = co_await consumer.read();
      EXPECT_TRUE(read);
      if (!read) break;
      if (read->empty() && !pending) break;
      for (const std::string& id : ids_of(*read)) all.push_back(id);
    }
    co_return all;
  }
};

TEST_F(RedisStreamConsumerTest, TwoConsumersShareTheGroupAndEachEntryGoesToOneOfThem) {
  run({}, [&]() -> asio::awaitable<void> {
    StreamConsumer a(client_, options_for("a"));
    StreamConsumer b(client_, options_for("b"));
    auto first_a = co_await a.read();  // makes the group: nothing yet
    CO_ASSERT_TRUE(first_a && first_a->empty());
    const auto added = co_await add(10);
    auto got_a = co_await a.read(4);
    auto got_b = co_await read_all(b);
    CO_ASSERT_TRUE(got_a);
    EXPECT_EQ(got_a->size(), 4u);
    EXPECT_EQ(got_b.size(), 6u);
    std::set<std::string> both(got_b.begin(), got_b.end());
    for (const std::string& id : ids_of(*got_a)) EXPECT_TRUE(both.insert(id).second) << id;
    EXPECT_EQ(both, std::set<std::string>(added.begin(), added.end()));
    EXPECT_FALSE(co_await a.ack(ids_of(*got_a), /*remove=*/false));
    EXPECT_FALSE(co_await b.ack(got_b, /*remove=*/true));
    EXPECT_EQ(co_await pending_count(), 0);
    // Acknowledged: read by nobody again, even looking at one's own pending ones.
    a.rewind();
    b.rewind();
    EXPECT_TRUE((co_await read_all(a)).empty());
    EXPECT_TRUE((co_await read_all(b)).empty());
    Command xlen{"XLEN", "q:test"};
    auto length = decode<int64_t>(co_await client_.exec(std::move(xlen)));
    CO_ASSERT_TRUE(length);
    EXPECT_EQ(*length, 4);  // b's were deleted with their acknowledgement, a's kept
  });
}

TEST_F(RedisStreamConsumerTest, TheEntriesOfAConsumerThatWentSilentAreTakenOverByTheOther) {
  run({}, [&]() -> asio::awaitable<void> {
    StreamConsumer silent(client_, options_for("silent"));
    StreamConsumer other(client_, options_for("other"));
    co_await silent.read();
    const auto added = co_await add(5);
    auto held = co_await silent.read();
    CO_ASSERT_TRUE(held && held->size() == 5);
    const auto read_at = Clock::now();
    // Not idle long enough yet: still the silent one's.
    EXPECT_EQ(co_await other.take_over(), 0u);
    size_t taken = 0;
    while (taken == 0 && Clock::now() - read_at < 5s) {
      co_await sleep(50ms);
      taken = co_await other.take_over();
    }
    EXPECT_EQ(taken, 5u);
    EXPECT_GE(Clock::now() - read_at, kClaimIdle);
    // Taken over: read again by the other, from its own pending entries.
    const auto got = co_await read_all(other);
    EXPECT_EQ(got, added);
    EXPECT_FALSE(co_await other.ack(got, /*remove=*/true));
    EXPECT_EQ(co_await pending_count(), 0);
    // The silent one, back, has nothing of them any more.
    silent.rewind();
    EXPECT_TRUE((co_await read_all(silent)).empty());
  });
}

TEST_F(RedisStreamConsumerTest, EntriesKeptByTheirConsumerAreNotTakenOver) {
  run({}, [&]() -> asio::awaitable<void> {
    StreamConsumer worker(client_, options_for("worker"));
    StreamConsumer other(client_, options_for("other"));
    co_await worker.read();
    co_await add(3);
    auto held = co_await worker.read();
    CO_ASSERT_TRUE(held && held->size() == 3);
    // Still working on them past claim_idle, keeping them every third of it.
    const auto until = Clock::now() + 2 * kClaimIdle;
    while (Clock::now() < until) {
      co_await sleep(kClaimIdle / 3);
      EXPECT_FALSE(co_await worker.keep(ids_of(*held)));
      EXPECT_EQ(co_await other.take_over(), 0u);
    }
    EXPECT_FALSE(co_await worker.ack(ids_of(*held), /*remove=*/true));
    EXPECT_EQ(co_await pending_count(), 0);
  });
}

TEST_F(RedisStreamConsumerTest, AGroupLostToFlushallIsMadeAgainAndReadingGoesOn) {
  run({}, [&]() -> asio::awaitable<void> {
    StreamConsumer consumer(client_, options_for("c"));
    co_await add(2);
    auto before = co_await read_all(consumer);
    EXPECT_EQ(before.size(), 2u);
    EXPECT_FALSE(co_await consumer.ack(before, true));
    Command flushall{"FLUSHALL"};
    CO_ASSERT_TRUE(co_await client_.exec(std::move(flushall)));
    std::string why;
    auto lost = co_await consumer.read(0, &why);
    CO_ASSERT_TRUE(!lost);
    EXPECT_EQ(lost.error(), make_error_code(Errc::server_error));
    EXPECT_TRUE(is_no_group(why)) << why;
    EXPECT_TRUE(consumer.state().group_needed());
    // Made again: what is added now is read, once.
    const auto added = co_await add(3);
    EXPECT_EQ(co_await read_all(consumer), added);
    EXPECT_FALSE(co_await consumer.ack(added, true));
    EXPECT_EQ(co_await pending_count(), 0);
  });
}

TEST_F(RedisStreamConsumerTest, AfterARedisRestartTheConsumerResumesAndReadsItsPendingOnesAgain) {
  run({}, [&]() -> asio::awaitable<void> {
    // Every write on disk before the kill, so the restart finds exactly what was there.
    Command always{"CONFIG", "SET", "appendfsync", "always"};
    CO_ASSERT_TRUE(co_await client_.exec(std::move(always)));
    StreamConsumer consumer(client_, options_for("c"));
    co_await add(4);
    auto got = co_await read_all(consumer);
    CO_ASSERT_TRUE(got.size() == 4);
    // Two handled and acknowledged; two read, in hand when Redis died.
    const std::vector<std::string> handled{got[0], got[1]};
    EXPECT_FALSE(co_await consumer.ack(handled, true));
    const uint64_t reconnects = client_.reconnects();
    server_.kill();
    server_.start();
    co_await wait_reconnected(reconnects);
    CO_ASSERT_TRUE(client_.connected());
    // The new connection: the two not acknowledged are read again, then what is new.
    const auto added = co_await add(1);
    const auto after = co_await read_all(consumer);
    EXPECT_EQ(after, (std::vector<std::string>{got[2], got[3], added[0]}));
    EXPECT_FALSE(co_await consumer.ack(after, true));
    EXPECT_EQ(co_await pending_count(), 0);
    EXPECT_TRUE((co_await read_all(consumer)).empty());
  });
}

TEST_F(RedisStreamConsumerTest, ARestartedDaemonReadsItsOwnPendingEntriesFirstThenNewOnes) {
  run({}, [&]() -> asio::awaitable<void> {
    std::vector<std::string> held;
    {
      StreamConsumer before(client_, options_for("daemon-1"));
      co_await add(3);
      held = co_await read_all(before);
      CO_ASSERT_TRUE(held.size() == 3);
    }  // stopped without acknowledging (a kill -9)
    const auto added = co_await add(2);
    StreamConsumer after(client_, options_for("daemon-1"));
    auto first = co_await after.read();
    CO_ASSERT_TRUE(first);
    EXPECT_EQ(ids_of(*first), held);
    EXPECT_FALSE(co_await after.ack(held, true));
    EXPECT_EQ(co_await read_all(after), added);
  });
}

TEST_F(RedisStreamConsumerTest, AnAcknowledgementLeftForTheNextReadGoesWithIt) {
  run({}, [&]() -> asio::awaitable<void> {
    StreamConsumer consumer(client_, options_for("c"));
    co_await add(3);
    const auto got = co_await read_all(consumer);
    CO_ASSERT_TRUE(got.size() == 3);
    consumer.ack_with_next_read(got, /*remove=*/true);
    EXPECT_EQ(co_await pending_count(), 3) << "nothing sent before the next read";
    const auto added = co_await add(1);
    auto next = co_await consumer.read();
    CO_ASSERT_TRUE(next);
    EXPECT_EQ(ids_of(*next), added);
    EXPECT_EQ(co_await pending_count(), 1) << "the three acknowledged, the new one pending";
    Command xlen{"XLEN", "q:test"};
    auto length = decode<int64_t>(co_await client_.exec(xlen));
    EXPECT_EQ(length.value(), 1) << "and deleted";
    // flush_acks() sends them without a read.
    consumer.ack_with_next_read(added, /*remove=*/false);
    EXPECT_FALSE(co_await consumer.flush_acks());
    EXPECT_EQ(co_await pending_count(), 0);
    consumer.rewind();
    EXPECT_TRUE((co_await read_all(consumer)).empty()) << "none read twice";
  });
}

TEST_F(RedisStreamConsumerTest, AnAcknowledgementLeftForTheNextReadOutlivesARedisRestart) {
  run({}, [&]() -> asio::awaitable<void> {
    Command always{"CONFIG", "SET", "appendfsync", "always"};
    CO_ASSERT_TRUE(co_await client_.exec(std::move(always)));
    StreamConsumer consumer(client_, options_for("c"));
    co_await add(2);
    const auto got = co_await read_all(consumer);
    CO_ASSERT_TRUE(got.size() == 2);
    consumer.ack_with_next_read(got, /*remove=*/true);
    const uint64_t reconnects = client_.reconnects();
    server_.kill();
    auto failed = co_await consumer.read();  // Redis is away: the acknowledgement is kept
    EXPECT_FALSE(failed);
    server_.start();
    co_await wait_reconnected(reconnects);
    CO_ASSERT_TRUE(client_.connected());
    // A new connection reads its own pending entries again: the two were handled, and
    // their acknowledgement goes first, so they are not.
    EXPECT_TRUE((co_await read_all(consumer)).empty());
    EXPECT_EQ(co_await pending_count(), 0);
  });
}

TEST_F(RedisStreamConsumerTest, AReadOfNewEntriesCanTellTheGroupsFirstPendingEntry) {
  run({}, [&]() -> asio::awaitable<void> {
    auto noting = [](std::string name) {
      StreamConsumerOptions options = options_for(std::move(name));
      options.note_first_pending = true;
      return options;
    };
    StreamConsumer a(client_, noting("a"));
    StreamConsumer b(client_, noting("b"));
    StreamConsumer plain(client_, options_for("plain"));
    CO_ASSERT_TRUE(co_await a.read());  // the group; a moves on to new entries
    CO_ASSERT_TRUE(co_await b.read());
    const auto added = co_await add(6);
    auto first_a = co_await a.read(2);
    CO_ASSERT_TRUE(first_a && first_a->size() == 2);
    CO_ASSERT_TRUE(a.first_pending_at_read().has_value());
    EXPECT_EQ(a.first_pending_at_read()->id, added[0]) << "its own first: no one before it";
    EXPECT_EQ(a.first_pending_at_read()->consumer, "a");
    auto first_b = co_await b.read(2);
    CO_ASSERT_TRUE(first_b && first_b->size() == 2);
    CO_ASSERT_TRUE(b.first_pending_at_read().has_value());
    EXPECT_EQ(b.first_pending_at_read()->id, added[0]) << "a holds earlier entries";
    EXPECT_EQ(b.first_pending_at_read()->consumer, "a");
    // Once a's are acknowledged (with its next read), b's next batch comes first.
    a.ack_with_next_read(ids_of(*first_a), /*remove=*/true);
    CO_ASSERT_TRUE(co_await a.read(0));
    EXPECT_EQ(a.first_pending_at_read()->id, added[2]) << "b's, now the first";
    EXPECT_EQ(a.first_pending_at_read()->consumer, "b");
    // Not asked: nothing noted.
    CO_ASSERT_TRUE(co_await plain.read());
    EXPECT_FALSE(plain.first_pending_at_read().has_value());
  });
}

TEST_F(RedisStreamConsumerTest, ABlockingReadOnAConnectionOfItsOwnWaitsForTheNextEntry) {
  run({}, [&]() -> asio::awaitable<void> {
    Options own_options;
    std::string error;
    own_options.endpoint = *parse_url(server_.url(), &error);
    Client own(io_.get_executor(), own_options);
    asio::co_spawn(io_, own.run(), [](std::exception_ptr) {});
    while (!own.connected()) co_await sleep(10ms);
    StreamConsumerOptions options = options_for("blocking");
    options.block = 1000ms;
    StreamConsumer consumer(own, options);
    auto none = co_await consumer.read();  // own pending: none, at once
    CO_ASSERT_TRUE(none && none->empty());
    // The entry is added while the read waits on its own connection.
    std::vector<std::string> added;
    asio::co_spawn(
        io_,
        [&]() -> asio::awaitable<void> {
          co_await sleep(200ms);
          added = co_await add(1);
        },
        [](std::exception_ptr) {});
    const auto asked = Clock::now();
    auto got = co_await consumer.read();
    const auto waited = Clock::now() - asked;
    CO_ASSERT_TRUE(got);
    // The read may return before the XADD's own reply reaches the adder.
    while (added.empty() && Clock::now() - asked < 5s) co_await sleep(10ms);
    EXPECT_EQ(ids_of(*got), added);
    EXPECT_GE(waited, 150ms);
    EXPECT_LT(waited, 900ms);  // woken by the entry, not by the end of BLOCK
    // Nothing comes: the read returns none once BLOCK ran out.
    auto empty = co_await consumer.read();
    CO_ASSERT_TRUE(empty);
    EXPECT_TRUE(empty->empty());
    own.stop();
  });
}

}  // namespace
}  // namespace tocsin::redis
