// The contracts of dispatch's delivery receipts: finding whose send a receipt is, or keeping
// it for the record step (daemon/dispatch/receipt_find.lua, in the message's hash slot),
// then moving the member's delivery state (receipt_apply.lua, in the alert's). Each touches
// one slot, so both run on plain Redis and on a cluster.

#include <gtest/gtest.h>

#include "dispatch/receipt_apply.lua.h"
#include "dispatch/receipt_find.lua.h"
#include "tests/support/script_contract.h"

namespace tocsin::dispatch {
namespace {

using testing::ScriptContract;

const std::vector<std::string> kFindKeys{"msg:{kannel:42}", "msg:{kannel:42}:early"};

class ReceiptFind : public ScriptContract {};

TEST_P(ReceiptFind, AMappedMessageAnswersItsMappingAndChangesNothing) {
  redis().command({"SET", "msg:{kannel:42}", "a1|m1|sms"});
  const auto before = keyspace();
  EXPECT_EQ(run(lua::receipt_find, kFindKeys, {"delivered", "604800"}).str, "a1|m1|sms");
  EXPECT_TRUE(changed_keys(before).empty());
}

TEST_P(ReceiptFind, AReceiptBeforeItsSendIsRecordedIsKeptForTheRecordStep) {
  const auto before = keyspace();
  EXPECT_TRUE(run(lua::receipt_find, kFindKeys, {"failed:rejected", "604800"}).is_nil());
  EXPECT_EQ(changed_keys(before), (std::set<std::string>{"msg:{kannel:42}:early"}));
  EXPECT_EQ(redis().text({"GET", "msg:{kannel:42}:early"}), "failed:rejected");
  EXPECT_GT(redis().integer({"TTL", "msg:{kannel:42}:early"}), 600000);
}
TOCSIN_SCRIPT_CONTRACT(ReceiptFind);

const std::vector<std::string> kApplyKeys{"alert:{a1}", "alert:{a1}:delivery", "alert:{a1}:count"};

class ReceiptApply : public ScriptContract {
 protected:
  void SetUp() override {
    ScriptContract::SetUp();
    redis().command({"HSET", "alert:{a1}", "state", "sent"});
    redis().command({"HSET", "alert:{a1}:dims", "m1", "r1|all|"});
    redis().command({"HSET", "alert:{a1}:reach", "r1|all|targeted", "1", "r1|all|sent", "1"});
    redis().command({"HSET", "alert:{a1}:delivery", "m1:sms", "sent"});
    redis().command({"HSET", "alert:{a1}:count", "sent", "1"});
  }
};

TEST_P(ReceiptApply, DeliveredMovesTheStateTheCountsAndTheReach) {
  const auto before = keyspace();
  EXPECT_EQ(run(lua::receipt_apply, kApplyKeys, {"m1", "sms", "delivered", "delivered"}).str,
            "changed");
  EXPECT_EQ(changed_keys(before),
            (std::set<std::string>{"alert:{a1}:delivery", "alert:{a1}:count", "alert:{a1}:reach",
                                   "alert:{a1}:regions", "alert:{a1}:turnout_version",
                                   "alert:{a1}:turnout_tracked", "alert:{a1}:reach:moved",
                                   "alert:{a1}:turnout_at"}));
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:delivery", "m1:sms"}), "delivered");
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:count", "sent"}), "0");
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:count", "delivered"}), "1");
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:reach", "r1|all|delivered"}), "1");
  EXPECT_EQ(redis().integer({"HEXISTS", "alert:{a1}:reach", "r1|all|sent"}), 0);
}

TEST_P(ReceiptApply, AFailureKeepsItsDetail) {
  EXPECT_EQ(run(lua::receipt_apply, kApplyKeys,
                {"m1", "sms", "failed", "failed:undelivered 30003"})
                .str,
            "changed");
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:delivery", "m1:sms"}), "failed:undelivered 30003");
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:count", "failed"}), "1");
}

TEST_P(ReceiptApply, ARepeatedOrLateReceiptChangesNothing) {
  redis().command({"HSET", "alert:{a1}:delivery", "m1:sms", "delivered"});
  const auto before = keyspace();
  EXPECT_EQ(run(lua::receipt_apply, kApplyKeys, {"m1", "sms", "failed", "failed:late"}).str,
            "unchanged");
  EXPECT_TRUE(changed_keys(before).empty());
}

TEST_P(ReceiptApply, AFailedSmsOfAMemberWhoseEmailWentLeavesThemSent) {
  redis().command({"HSET", "alert:{a1}:delivery", "m1:email", "sent"});
  redis().command({"HSET", "alert:{a1}:count", "sent", "2"});
  run(lua::receipt_apply, kApplyKeys, {"m1", "sms", "failed", "failed:rejected"});
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:reach", "r1|all|sent"}), "1");
  EXPECT_EQ(redis().integer({"HEXISTS", "alert:{a1}:reach", "r1|all|failed"}), 0);
}
TOCSIN_SCRIPT_CONTRACT(ReceiptApply);

}  // namespace
}  // namespace tocsin::dispatch
