// Matching a batch of replies to their alert and member (replies/reply_matcher.h) against
// a real redis-server: the open alert most recently sent to the number, a quoted code over
// a more recent alert, a wave's reply counted on its parent (read even when the parent is
// older than the latest alerts read), and nothing for a closed parent or a stranger. It
// only reads. The standings guessed from the last call are read again, not reused.

#include "replies/reply_matcher.h"

#include <gtest/gtest.h>

#include "redis/decode.h"
#include "tests/support/redis_client_fixture.h"

namespace tocsin::replies {
namespace {

namespace asio = boost::asio;

constexpr const char* kAna = "+15145550001";
constexpr const char* kBen = "+15145550002";

// a1 sent to Ana; a2, a wave of a1, to Ben; a3 closed, to Ana as well.
std::vector<redis::Command> alerts_sent() {
  return {{"ZADD", "alerts", "1", "a1", "2", "a2", "3", "a3"},
          {"HSET", "alert:{a1}", "state", "sent", "sending_at_ms", "100"},
          {"HSET", "alert:{a1}:to", kAna, "m1"},
          {"HSET", "alert:{a2}", "state", "sending", "sending_at_ms", "200", "parent", "a1"},
          {"HSET", "alert:{a2}:to", kBen, "m2"},
          {"HSET", "alert:{a3}", "state", "closed", "sending_at_ms", "300"},
          {"HSET", "alert:{a3}:to", kAna, "m1"},
          {"SET", "alert:code:A7", "a1"},
          {"HSET", "{roster}:member:m1:idx", "region", "est", "sector", "sante", "local", "L1",
           "language", "fr", "title", "inf"},
          {"HSET", "{roster}:member:m2:idx", "region", "laval"}};
}

// A wave w sent to Ben, whose parent p is the oldest of kRecentAlerts + 1 alerts: not
// among the latest alerts read, still read as the wave's parent.
std::vector<redis::Command> wave_of_an_older_parent() {
  std::vector<redis::Command> seed{
      {"HSET", "alert:{p}", "state", "sent", "sending_at_ms", "1"},
      {"HSET", "alert:{w}", "state", "sending", "sending_at_ms", "5000", "parent", "p"},
      {"HSET", "alert:{w}:to", kBen, "m2"},
      {"ZADD", "alerts", "0", "p", "9999", "w"}};
  for (int i = 0; i < kRecentAlerts; ++i) {
    seed.push_back({"ZADD", "alerts", std::to_string(10 + i), "closed" + std::to_string(i)});
  }
  return seed;
}

class ReplyMatcherTest : public testing::RedisClientFixture {
 protected:
  // Each match's fields joined by ',' ("none" when it answers nothing).
  asio::awaitable<std::vector<std::string>> match(std::vector<ReplyQuery> replies,
                                                  std::vector<std::string>* guess = nullptr) {
    std::vector<std::string> out;
    const redis::Command count{"DBSIZE"};
    auto before = redis::decode<int64_t>(co_await client_.exec(count));
    auto found = co_await match_replies(client_, replies, guess);
    EXPECT_TRUE(found.has_value());
    if (!found) co_return out;
    for (const auto& m : *found) {
      std::string joined = m.alert + "," + m.member + "," + m.region + "," + m.sector + "," +
                           m.local + "," + m.language + "," + m.title;
      out.push_back(joined == ",,,,,," ? "none" : joined);
    }
    auto after = redis::decode<int64_t>(co_await client_.exec(count));
    EXPECT_EQ(*before, *after) << "the match only reads";
    co_return out;
  }
};

TEST_F(ReplyMatcherTest, EachReplyFindsItsOpenAlertMemberAndPlace) {
  run(alerts_sent(), [&]() -> asio::awaitable<void> {
    // Built before the co_await: g++ 12 mishandles braced lists in co_await operands.
    std::vector<ReplyQuery> replies{{kAna, ""}, {kBen, ""}, {"+15145559999", ""}};
    const auto got = co_await match(std::move(replies));
    EXPECT_EQ(got, (std::vector<std::string>{"a1,m1,est,sante,L1,fr,inf",
                                             // a wave's reply answers its parent
                                             "a1,m2,laval,,,,", "none"}));
  });
}

TEST_F(ReplyMatcherTest, AQuotedCodeChoosesItsAlertOverAMoreRecentOne) {
  auto seed = alerts_sent();
  seed.push_back({"ZADD", "alerts", "4", "a4"});
  seed.push_back({"HSET", "alert:{a4}", "state", "sent", "sending_at_ms", "400"});
  seed.push_back({"HSET", "alert:{a4}:to", kAna, "m1"});
  run(seed, [&]() -> asio::awaitable<void> {
    std::vector<ReplyQuery> replies{{kAna, ""}, {kAna, "A7"}, {kAna, "ZZ"}};
    const auto got = co_await match(std::move(replies));
    EXPECT_EQ(got, (std::vector<std::string>{"a4,m1,est,sante,L1,fr,inf",
                                             "a1,m1,est,sante,L1,fr,inf", "none"}));
  });
}

TEST_F(ReplyMatcherTest, AWaveOfAClosedAlertTakesNoAnswer) {
  auto seed = alerts_sent();
  seed.push_back({"HSET", "alert:{a1}", "state", "closed"});
  run(seed, [&]() -> asio::awaitable<void> {
    std::vector<ReplyQuery> replies{{kAna, ""}, {kBen, ""}};
    const auto got = co_await match(std::move(replies));
    EXPECT_EQ(got, (std::vector<std::string>{"none", "none"}));
  });
}

TEST_F(ReplyMatcherTest, AWaveCountsOnAParentOlderThanTheLatestAlertsRead) {
  run(wave_of_an_older_parent(), [&]() -> asio::awaitable<void> {
    std::vector<ReplyQuery> replies{{kBen, ""}};
    const auto got = co_await match(std::move(replies));
    EXPECT_EQ(got, (std::vector<std::string>{"p,m2,,,,,"}));
  });
}

TEST_F(ReplyMatcherTest, StandingsGuessedFromTheLastCallAreReadAgainWithTheIndex) {
  run(alerts_sent(), [&]() -> asio::awaitable<void> {
    std::vector<std::string> guess;
    std::vector<ReplyQuery> replies{{kAna, ""}, {kBen, ""}};
    std::vector<ReplyQuery> again = replies;
    auto got = co_await match(std::move(replies), &guess);
    EXPECT_EQ(got, (std::vector<std::string>{"a1,m1,est,sante,L1,fr,inf", "a1,m2,laval,,,,"}));
    EXPECT_EQ(guess, (std::vector<std::string>{"a3", "a2", "a1"})) << "the latest alerts read";

    // Between two batches: a1 closes and a new alert goes to Ana. The guess names a1 as
    // it was; the match must see it closed, and find the new alert.
    std::vector<redis::Command> changes{
        {"HSET", "alert:{a1}", "state", "closed"},
        {"ZADD", "alerts", "5", "a5"},
        {"HSET", "alert:{a5}", "state", "sending", "sending_at_ms", "500"},
        {"HSET", "alert:{a5}:to", kAna, "m1"}};
    auto done = co_await client_.exec_pipeline(std::move(changes));
    CO_ASSERT_TRUE(done.has_value());
    got = co_await match(std::move(again), &guess);
    EXPECT_EQ(got, (std::vector<std::string>{"a5,m1,est,sante,L1,fr,inf", "none"}));
    EXPECT_EQ(guess, (std::vector<std::string>{"a5", "a3", "a2", "a1"}));
  });
}

TEST_F(ReplyMatcherTest, AGuessKeepsAWavesOlderParentAndReadsItAgain) {
  run(wave_of_an_older_parent(), [&]() -> asio::awaitable<void> {
    std::vector<std::string> guess;
    std::vector<ReplyQuery> replies{{kBen, ""}};
    std::vector<ReplyQuery> again = replies;
    auto got = co_await match(std::move(replies), &guess);
    EXPECT_EQ(got, (std::vector<std::string>{"p,m2,,,,,"}));
    CO_ASSERT_TRUE(!guess.empty());
    EXPECT_EQ(guess.back(), "p") << "the parent, read though not among the latest alerts";
    EXPECT_EQ(guess.size(), static_cast<size_t>(kRecentAlerts) + 1);

    std::vector<redis::Command> close{{"HSET", "alert:{p}", "state", "closed"}};
    auto done = co_await client_.exec_pipeline(std::move(close));
    CO_ASSERT_TRUE(done.has_value());
    got = co_await match(std::move(again), &guess);
    EXPECT_EQ(got, (std::vector<std::string>{"none"})) << "the parent's standing read again";
  });
}

}  // namespace
}  // namespace tocsin::replies
