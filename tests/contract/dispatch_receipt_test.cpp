// The contract of dispatch's delivery receipts (daemon/dispatch/receipt.lua). Its keys cross
// slots: msg:<gateway>:<message id> and its :early key carry no hash tag (two slots), and the
// alert's keys it changes (alert:{id}:delivery, :count and the reach keys) are built from
// the mapping the first holds, in a third. So it runs on plain Redis only.

#include <gtest/gtest.h>

#include "dispatch/receipt.lua.h"
#include "tests/support/script_contract.h"

namespace tocsin::dispatch {
namespace {

using testing::ScriptContract;

const std::vector<std::string> kKeys{"msg:kannel:42", "msg:kannel:42:early"};

class Receipt : public ScriptContract {
 protected:
  void SetUp() override {
    ScriptContract::SetUp();
    redis().command({"HSET", "alert:{a1}", "state", "sent"});
    redis().command({"HSET", "alert:{a1}:dims", "m1", "r1|all|"});
    redis().command({"HSET", "alert:{a1}:reach", "r1|all|targeted", "1", "r1|all|sent", "1"});
    redis().command({"HSET", "alert:{a1}:delivery", "m1:sms", "sent"});
    redis().command({"HSET", "alert:{a1}:count", "sent", "1"});
    redis().command({"SET", "msg:kannel:42", "a1|m1|sms"});
  }
};

TEST_P(Receipt, DeliveredMovesTheStateTheCountsAndTheReach) {
  const auto before = keyspace();
  EXPECT_EQ(run(lua::receipt, kKeys, {"delivered", "", "604800"}).str, "changed");
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

TEST_P(Receipt, AFailureKeepsItsDetail) {
  EXPECT_EQ(run(lua::receipt, kKeys, {"failed", "undelivered 30003", "604800"}).str, "changed");
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:delivery", "m1:sms"}), "failed:undelivered 30003");
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:count", "failed"}), "1");
}

TEST_P(Receipt, ARepeatedOrLateReceiptChangesNothing) {
  redis().command({"HSET", "alert:{a1}:delivery", "m1:sms", "delivered"});
  const auto before = keyspace();
  EXPECT_EQ(run(lua::receipt, kKeys, {"failed", "late", "604800"}).str, "unchanged");
  EXPECT_TRUE(changed_keys(before).empty());
}

TEST_P(Receipt, AReceiptBeforeItsSendIsRecordedIsKeptForTheRecordStep) {
  redis().command({"DEL", "msg:kannel:42"});
  const auto before = keyspace();
  EXPECT_EQ(run(lua::receipt, kKeys, {"failed", "rejected", "604800"}).str, "early");
  EXPECT_EQ(changed_keys(before), (std::set<std::string>{"msg:kannel:42:early"}));
  EXPECT_EQ(redis().text({"GET", "msg:kannel:42:early"}), "failed:rejected");
  EXPECT_GT(redis().integer({"TTL", "msg:kannel:42:early"}), 600000);
}
TOCSIN_SCRIPT_CONTRACT_STANDALONE_ONLY(Receipt);

}  // namespace
}  // namespace tocsin::dispatch
