// Moving the roster an older tocsind kept under untagged names (members' records and index
// hashes, the audience indexes, the channel sets, shared phones, the opt-out registry)
// under the `{roster}` tag (members/adopt_untagged_roster.h), against a real redis-server:
// afterwards the audience counter counts as before and nothing untagged is left; an
// opt-out written under the new name meanwhile is kept beside the old ones; a record an
// older daemon wrote again after an adoption wins. Then through tocsind itself: an older
// roster is counted once the upgraded daemon says it is ready.

#include "members/adopt_untagged_roster.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "members/audience.h"
#include "members/audience_counter.h"
#include "members/member_keys.h"
#include "redis/decode.h"
#include "tests/support/daemon_process.h"
#include "tests/support/http_client.h"
#include "tests/support/redis_client_fixture.h"
#include "tests/support/redis_sync.h"

namespace tocsin::members {
namespace {

namespace asio = boost::asio;

// What an older tocsind wrote: two members of Estrie (m2 opted out of SMS by STOP) sharing
// a phone, one with the tag "cse", and another opt-out in the registry for a former member.
std::vector<redis::Command> older_roster() {
  return {{"SET", "member:m1", "record-1"},
          {"HSET", "member:m1:idx", "region", "estrie", "tags", "cse", "mobile", "+15145550001"},
          {"SET", "member:m2", "record-2"},
          {"HSET", "member:m2:idx", "region", "estrie", "mobile", "+15145550001"},
          {"SADD", "aud:region:estrie", "m1", "m2"},
          {"SADD", "aud:tag:cse", "m1"},
          {"SADD", "members:all", "m1", "m2"},
          {"SADD", "members:sms", "m1", "m2"},
          {"SADD", "phone:+15145550001", "m1", "m2"},
          {"SADD", "optout:sms", "+15145550001", "+15145550099"},
          {"SADD", "optout:sms:members", "m2"}};
}

class AdoptUntaggedRoster : public testing::RedisClientFixture {
 protected:
  asio::awaitable<std::vector<std::string>> all_keys() {
    redis::Command keys{"KEYS", "*"};
    co_return co_await sorted_strings(std::move(keys));
  }
  asio::awaitable<std::vector<std::string>> members_of(std::string set) {
    redis::Command members{"SMEMBERS", std::move(set)};
    co_return co_await sorted_strings(std::move(members));
  }
};

TEST_F(AdoptUntaggedRoster, EverythingMovesUnderTheTagAndCountsAsBefore) {
  // Besides the roster: another part's key, which stays where it is.
  auto seed = older_roster();
  seed.push_back({"SET", "labels-like-key", "x"});
  run(std::move(seed), [&]() -> asio::awaitable<void> {
    auto moved = co_await adopt_untagged_roster(client_);
    CO_ASSERT_TRUE(moved.has_value());
    EXPECT_EQ(*moved, 11u);
    std::vector<std::string> expected{keys::audience_term("region", "estrie"),
                                      keys::audience_term("tag", "cse"),
                                      keys::member("m1"),
                                      keys::index("m1"),
                                      keys::member("m2"),
                                      keys::index("m2"),
                                      std::string(keys::kAll),
                                      std::string(keys::kWithSms),
                                      keys::opt_out_registry("sms"),
                                      keys::opted_out_members("sms"),
                                      keys::phone("+15145550001"),
                                      "labels-like-key"};
    std::sort(expected.begin(), expected.end());
    const auto after = co_await all_keys();
    EXPECT_EQ(after, expected);

    AudienceCounter counter(client_);
    const auto estrie = parse_audience("region:estrie");
    const auto cse = parse_audience("tag:cse");
    CO_ASSERT_TRUE(estrie.has_value() && cse.has_value());
    auto count = co_await counter.count(*estrie);
    CO_ASSERT_TRUE(count.has_value());
    EXPECT_EQ(count->members, 2);
    EXPECT_EQ(count->sms_reachable, 1);  // m2 opted out
    auto tagged = co_await counter.count(*cse);
    CO_ASSERT_TRUE(tagged.has_value());
    EXPECT_EQ(tagged->members, 1);

    // Nothing left to move: the next start reads one EXISTS and changes nothing.
    auto again = co_await adopt_untagged_roster(client_);
    CO_ASSERT_TRUE(again.has_value());
    EXPECT_EQ(*again, 0u);
    const auto unchanged = co_await all_keys();
    EXPECT_EQ(unchanged, after);
  });
}

TEST_F(AdoptUntaggedRoster, AnOptOutUnderEitherNameIsKept) {
  auto seed = older_roster();
  // Written by an upgraded daemon (a STOP) before an older one's keys were moved.
  seed.push_back({"SADD", keys::opt_out_registry("sms"), "+15145550042"});
  run(std::move(seed), [&]() -> asio::awaitable<void> {
    CO_ASSERT_TRUE((co_await adopt_untagged_roster(client_)).has_value());
    const std::vector<std::string> expected{"+15145550001", "+15145550042", "+15145550099"};
    const auto registry = co_await members_of(keys::opt_out_registry("sms"));
    EXPECT_EQ(registry, expected);
  });
}

TEST_F(AdoptUntaggedRoster, ARecordAnOlderDaemonWroteAgainAfterwardsWins) {
  run(older_roster(), [&]() -> asio::awaitable<void> {
    CO_ASSERT_TRUE((co_await adopt_untagged_roster(client_)).has_value());
    // During a rolling upgrade, an older daemon imports m1 again, now in Laurentides.
    std::vector<redis::Command> writes{{"SET", "member:m1", "record-1b"},
                                       {"HSET", "member:m1:idx", "region", "laurentides"},
                                       {"SADD", "aud:region:laurentides", "m1"},
                                       {"SADD", "members:all", "m1"}};
    co_await client_.exec_pipeline(std::move(writes));
    auto moved = co_await adopt_untagged_roster(client_);
    CO_ASSERT_TRUE(moved.has_value());
    EXPECT_EQ(*moved, 4u);
    redis::Command get{"GET", keys::member("m1")};
    auto record = redis::decode<std::string>(co_await client_.exec(std::move(get)));
    CO_ASSERT_TRUE(record.has_value());
    EXPECT_EQ(*record, "record-1b");
    const std::vector<std::string> both{"m1", "m2"}, moved_one{"m1"};
    const auto all = co_await members_of(std::string(keys::kAll));
    EXPECT_EQ(all, both);
    const auto laurentides = co_await members_of(keys::audience_term("region", "laurentides"));
    EXPECT_EQ(laurentides, moved_one);
  });
}

TEST(AdoptUntaggedRosterDaemon, AnOlderRosterIsCountedOnceTheUpgradedDaemonIsReady) {
  testing::RedisServer redis;
  testing::RedisSync sync(redis.port());
  for (const auto& command : older_roster()) sync.command(command);
  testing::DaemonProcess daemon({.redis_url = redis.url()});
  ASSERT_EQ(testing::http_get(daemon.base_url() + "/readyz").status, 200);
  const std::string admin = daemon.bootstrap_admin("ops");
  const auto counted = testing::http_get(
      daemon.base_url() + "/v1/members:count?audience=region:estrie", testing::bearer(admin));
  ASSERT_EQ(counted.status, 200) << counted.body;
  EXPECT_TRUE(counted.body.find("\"members\":2") != std::string::npos ||
              counted.body.find("\"members\":\"2\"") != std::string::npos)
      << counted.body;
  EXPECT_EQ(sync.integer({"EXISTS", "members:all", "optout:sms", "member:m1"}), 0);
}

}  // namespace
}  // namespace tocsin::members
