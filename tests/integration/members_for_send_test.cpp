// What the send's prepare step is given of its members (members/members_for_send.h), read
// from a real redis-server: each member's record, addresses, place and opt-outs, for
// members with every field, with few, and removed from the roster; nothing written.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "members/members_for_send.h"
#include "redis/client.h"
#include "tests/support/redis_client_fixture.h"

namespace tocsin::members {
namespace {

namespace asio = boost::asio;

class MembersForSend : public testing::RedisClientFixture {};

// One member as a line, to compare whole.
std::string line(const MemberForSend& m) {
  return std::string(m.stored ? "stored" : "gone") + "|" + m.record + "|" + m.mobile + "|" +
         m.email + "|" + m.region + "|" + m.sector + "|" + m.local + "|" + m.title + "|" +
         (m.sms_opted_out ? "sms-out" : "") + "|" + (m.email_opted_out ? "email-out" : "");
}

TEST_F(MembersForSend, ReadsRecordAddressesPlaceAndOptOutsInTheOrderAsked) {
  std::vector<redis::Command> seed{
      {"SET", "{roster}:member:m1", "record-1"},
      {"HSET", "{roster}:member:m1:idx", "mobile", "+15145550001", "email", "m1@example.org",
       "region", "estrie", "sector", "sante", "title", "nurse"},
      {"SET", "{roster}:member:m2", "record-2"},
      {"HSET", "{roster}:member:m2:idx", "email", "m2@example.org", "local", "csn 5678"},
      {"SET", "{roster}:member:m4", "record-4"},
      {"HSET", "{roster}:member:m4:idx", "mobile", "+15145550004"},
      // The same address opted out on one channel does not count on the other.
      {"SADD", "{roster}:optout:sms", "+15145550001", "m2@example.org"},
      {"SADD", "{roster}:optout:email", "m2@example.org"}};
  run(seed, [&]() -> asio::awaitable<void> {
    // No braced lists inside co_await: GCC 12 miscompiles them.
    const redis::Command all_keys{"KEYS", "*"};
    const auto before = co_await sorted_strings(all_keys);
    // m3 was removed from the roster.
    const std::vector<std::string> ids{"m4", "m1", "m3", "m2"};
    auto members = co_await read_members_for_send(client_, ids);
    CO_ASSERT_TRUE(members.has_value());
    CO_ASSERT_TRUE(members->size() == 4u);
    EXPECT_EQ(line((*members)[0]), "stored|record-4|+15145550004|||||||");
    EXPECT_EQ(line((*members)[1]),
              "stored|record-1|+15145550001|m1@example.org|estrie|sante||nurse|sms-out|");
    EXPECT_EQ(line((*members)[2]), "gone|||||||||");
    EXPECT_EQ(line((*members)[3]), "stored|record-2||m2@example.org|||csn 5678|||email-out");
    const auto after = co_await sorted_strings(all_keys);
    EXPECT_EQ(after, before) << "a read writes nothing";
  });
}

TEST_F(MembersForSend, MembersWithNoAddressAndNoMembersAtAll) {
  std::vector<redis::Command> seed{{"SET", "{roster}:member:m1", "record-1"}};
  run(seed, [&]() -> asio::awaitable<void> {
    const std::vector<std::string> no_ids;
    auto none = co_await read_members_for_send(client_, no_ids);
    CO_ASSERT_TRUE(none.has_value());
    EXPECT_TRUE(none->empty());
    // No address: no opt-out registry is asked.
    const std::vector<std::string> ids{"m1"};
    auto one = co_await read_members_for_send(client_, ids);
    CO_ASSERT_TRUE(one.has_value());
    CO_ASSERT_TRUE(one->size() == 1u);
    EXPECT_EQ(line(one->front()), "stored|record-1||||||||");
  });
}

TEST_F(MembersForSend, ABatchOfAJobsSizeKeepsEachMemberWithTheirOwnAnswers) {
  // Every third member has a mobile, every fourth an email; every fifth mobile and every
  // seventh email opted out: the answers of the two registries go back to the right ones.
  std::vector<redis::Command> seed;
  std::vector<std::string> ids;
  for (int i = 0; i < 200; ++i) {
    const std::string id = "m" + std::to_string(i);
    ids.push_back(id);
    seed.push_back({"SET", "{roster}:member:" + id, "r" + std::to_string(i)});
    redis::Command index{"HSET", "{roster}:member:" + id + ":idx", "region", "r"};
    if (i % 3 == 0) index.insert(index.end(), {"mobile", "+1514555" + std::to_string(1000 + i)});
    if (i % 4 == 0) index.insert(index.end(), {"email", id + "@example.org"});
    seed.push_back(index);
    if (i % 3 == 0 && i % 5 == 0) {
      seed.push_back({"SADD", "{roster}:optout:sms", "+1514555" + std::to_string(1000 + i)});
    }
    if (i % 4 == 0 && i % 7 == 0)
      seed.push_back({"SADD", "{roster}:optout:email", id + "@example.org"});
  }
  run(seed, [&]() -> asio::awaitable<void> {
    auto members = co_await read_members_for_send(client_, ids);
    CO_ASSERT_TRUE(members.has_value());
    CO_ASSERT_TRUE(members->size() == ids.size());
    for (int i = 0; i < 200; ++i) {
      const MemberForSend& m = (*members)[i];
      EXPECT_EQ(m.record, "r" + std::to_string(i));
      EXPECT_EQ(m.mobile.empty(), i % 3 != 0) << i;
      EXPECT_EQ(m.email.empty(), i % 4 != 0) << i;
      EXPECT_EQ(m.sms_opted_out, i % 3 == 0 && i % 5 == 0) << i;
      EXPECT_EQ(m.email_opted_out, i % 4 == 0 && i % 7 == 0) << i;
    }
  });
}

}  // namespace
}  // namespace tocsin::members
