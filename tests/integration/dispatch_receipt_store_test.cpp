// Delivery receipts through dispatch/receipt_store.h against a real redis-server: the two
// steps (whose send, in the message's slot; the member's state, in the alert's) move a
// recorded send once, keep a receipt that came first for the record step, and still find
// a message an older tocsind sent under the untagged mapping.

#include "dispatch/receipt_store.h"

#include <gtest/gtest.h>

#include "alerts/alert_keys.h"
#include "dispatch/dispatch_keys.h"
#include "redis/decode.h"
#include "tests/support/redis_client_fixture.h"

namespace tocsin::dispatch {
namespace {

namespace asio = boost::asio;

adapters::DeliveryReceipt receipt(adapters::ReceiptState state, std::string status = "") {
  adapters::DeliveryReceipt out;
  out.message_id = "SM42";
  out.state = state;
  out.provider_status = std::move(status);
  return out;
}

std::vector<redis::Command> a_sent_sms() {
  return {{"HSET", alerts::keys::alert("a1"), "state", "sent"},
          {"HSET", alerts::keys::alert("a1") + ":dims", "m1", "r1|all|"},
          {"HSET", alerts::keys::delivery("a1"), "m1:sms", "sent"},
          {"HSET", alerts::keys::counts("a1"), "sent", "1"}};
}

class ReceiptStoreTest : public testing::RedisClientFixture {
 protected:
  asio::awaitable<std::optional<std::string>> get(std::string key, std::string field = "") {
    redis::Command read =
        field.empty() ? redis::Command{"GET", key} : redis::Command{"HGET", key, field};
    auto got = redis::decode<std::optional<std::string>>(co_await client_.exec(std::move(read)));
    co_return got ? *got : std::nullopt;
  }
};

TEST_F(ReceiptStoreTest, AReceiptMovesTheRecordedSendOnce) {
  auto seed = a_sent_sms();
  seed.push_back({"SET", keys::receipt("twilio", "SM42"), "a1|m1|sms"});
  run(seed, [&]() -> asio::awaitable<void> {
    ReceiptStore store(client_);
    auto applied = co_await store.apply("twilio", receipt(adapters::ReceiptState::delivered));
    CO_ASSERT_TRUE(applied.has_value());
    EXPECT_EQ(*applied, ReceiptStore::Applied::changed);
    EXPECT_EQ(co_await get(alerts::keys::delivery("a1"), "m1:sms"), "delivered");
    auto again = co_await store.apply("twilio", receipt(adapters::ReceiptState::failed, "30003"));
    CO_ASSERT_TRUE(again.has_value());
    EXPECT_EQ(*again, ReceiptStore::Applied::unchanged);
    EXPECT_EQ(co_await get(alerts::keys::counts("a1"), "delivered"), "1");
  });
}

TEST_F(ReceiptStoreTest, AReceiptBeforeItsRecordIsKeptForIt) {
  run(a_sent_sms(), [&]() -> asio::awaitable<void> {
    ReceiptStore store(client_);
    auto applied =
        co_await store.apply("twilio", receipt(adapters::ReceiptState::failed, "undelivered"));
    CO_ASSERT_TRUE(applied.has_value());
    EXPECT_EQ(*applied, ReceiptStore::Applied::early);
    EXPECT_EQ(co_await get(keys::early_receipt(keys::receipt("twilio", "SM42"))),
              "failed:undelivered");
    EXPECT_EQ(co_await get(alerts::keys::delivery("a1"), "m1:sms"), "sent");
  });
}

TEST_F(ReceiptStoreTest, AMessageAnOlderDaemonSentIsFoundUnderItsUntaggedMapping) {
  auto seed = a_sent_sms();
  seed.push_back({"SET", keys::untagged_receipt("twilio", "SM42"), "a1|m1|sms"});
  run(seed, [&]() -> asio::awaitable<void> {
    ReceiptStore store(client_);
    auto applied = co_await store.apply("twilio", receipt(adapters::ReceiptState::delivered));
    CO_ASSERT_TRUE(applied.has_value());
    EXPECT_EQ(*applied, ReceiptStore::Applied::changed);
    EXPECT_EQ(co_await get(alerts::keys::delivery("a1"), "m1:sms"), "delivered");
  });
}

}  // namespace
}  // namespace tocsin::dispatch
