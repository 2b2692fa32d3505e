// A member's STOP and START by SMS (replies/sms_opt_outs.h) against a real redis-server: the
// number and every member holding it leave the SMS audience and come back, in the order of
// the batch, and a batch applied twice (a replay) ends the same. (Results are read into a
// variable before comparing: g++ 12 mishandles braced lists beside a co_await.)

#include "replies/sms_opt_outs.h"

#include <gtest/gtest.h>

#include "members/member_keys.h"
#include "redis/decode.h"
#include "tests/support/redis_client_fixture.h"

namespace tocsin::replies {
namespace {

namespace asio = boost::asio;

constexpr const char* kAna = "+15145550001";

class SmsOptOutsTest : public testing::RedisClientFixture {
 protected:
  asio::awaitable<std::vector<std::string>> members_of(std::string key) {
    redis::Command read{"SORT", std::move(key), "ALPHA"};
    auto got = redis::decode<std::vector<std::string>>(co_await client_.exec(std::move(read)));
    co_return got ? *got : std::vector<std::string>{};
  }
};

TEST_F(SmsOptOutsTest, StopTakesOutTheNumberAndItsHoldersAndStartBringsThemBack) {
  run({{"SADD", members::keys::phone(kAna), "m1", "m2"}}, [&]() -> asio::awaitable<void> {
    const std::string numbers = members::keys::opt_out_registry("sms");
    const std::string holders = members::keys::opted_out_members("sms");
    std::vector<SmsOptChange> stop{{true, kAna}};
    CO_ASSERT_TRUE(!co_await apply_sms_opt_changes(client_, stop));
    CO_ASSERT_TRUE(!co_await apply_sms_opt_changes(client_, stop));  // replayed: the same
    {
      const auto got = co_await members_of(numbers);
      EXPECT_EQ(got, std::vector<std::string>{kAna});
    }
    {
      const auto got = co_await members_of(holders);
      EXPECT_EQ(got, (std::vector<std::string>{"m1", "m2"}));
    }
    std::vector<SmsOptChange> start{{false, kAna}};
    CO_ASSERT_TRUE(!co_await apply_sms_opt_changes(client_, start));
    EXPECT_TRUE((co_await members_of(numbers)).empty());
    EXPECT_TRUE((co_await members_of(holders)).empty());
  });
}

TEST_F(SmsOptOutsTest, InOneBatchTheLastWordOfANumberHolds) {
  run({{"SADD", members::keys::phone(kAna), "m1"}}, [&]() -> asio::awaitable<void> {
    std::vector<SmsOptChange> batch{{true, kAna}, {false, kAna}, {true, kAna}};
    CO_ASSERT_TRUE(!co_await apply_sms_opt_changes(client_, batch));
    {
      const auto got = co_await members_of(members::keys::opted_out_members("sms"));
      EXPECT_EQ(got, std::vector<std::string>{"m1"});
    }
    std::vector<SmsOptChange> back{{true, kAna}, {false, kAna}};
    CO_ASSERT_TRUE(!co_await apply_sms_opt_changes(client_, back));
    EXPECT_TRUE((co_await members_of(members::keys::opt_out_registry("sms"))).empty());
  });
}

TEST_F(SmsOptOutsTest, ANumberNoMemberHoldsIsStillOptedOut) {
  run({}, [&]() -> asio::awaitable<void> {
    std::vector<SmsOptChange> stop{{true, kAna}};
    CO_ASSERT_TRUE(!co_await apply_sms_opt_changes(client_, stop));
    {
      const auto got = co_await members_of(members::keys::opt_out_registry("sms"));
      EXPECT_EQ(got, std::vector<std::string>{kAna});
    }
  });
}

}  // namespace
}  // namespace tocsin::replies
