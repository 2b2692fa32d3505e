// The contracts of the check-in's scripts (daemon/checkin/*.lua): a member recorded
// present, counted once; their short check-in code, made once.

#include <gtest/gtest.h>

#include "checkin/check_in.lua.h"
#include "checkin/checkin_scripts.h"
#include "checkin/short_code.lua.h"
#include "tests/support/script_contract.h"

namespace tocsin::checkin {
namespace {

using testing::ScriptContract;

class CheckIn : public ScriptContract {
 protected:
  void SetUp() override {
    ScriptContract::SetUp();
    redis().command({"HSET", "alert:{a1}", "state", "sent"});
    redis().command({"SADD", "alert:{a1}:audience", "m1", "m2"});
    redis().command({"HSET", "alert:{a1}:dims", "m1", "est|all|", "m2", "est|all|"});
  }
  std::string region_ = "est";
  redis::Reply check_in(const std::string& member, const std::string& how,
                        const std::string& audited = "1", const std::string& alert = "a1") {
    return run(lua::check_in, check_in_keys(alert),
               {alert, member, how, "Luc", "1000", audited, region_, "", "", ""});
  }
};

TEST_P(CheckIn, AMemberOfTheAudienceIsCountedPresentOnceAndAudited) {
  redis().command({"HSET", "alert:{a1}:rsvp", "m1",
                   "yes\x1f"
                   "0\x1f"
                   "0\x1f"
                   "0\x1f"
                   "P"});
  const auto before = keyspace();
  auto reply = check_in("m1", "scan");
  ASSERT_EQ(reply.elements.size(), 5u) << reply.str;
  EXPECT_EQ(reply.elements[0].str, "checked_in");
  EXPECT_EQ(reply.elements[4].str, "yes");
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:day", "est|all|present"}), "1");
  // At the pickup point of their answer, in their region.
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:day", "est|pickup:P|present"}), "1");
  EXPECT_EQ(changed_keys(before),
            (std::set<std::string>{"alert:{a1}:present", "alert:{a1}:day", "alert:{a1}:regions",
                                   "alert:{a1}:turnout_version", "alert:{a1}:turnout_tracked",
                                   "alert:{a1}:day:moved", "alert:{a1}:turnout_at",
                                   "alert:{a1}:audit"}));
}

TEST_P(CheckIn, ASecondRecordChangesNothingAndReportsTheFirst) {
  check_in("m1", "scan");
  const auto before = keyspace();
  auto reply = check_in("m1", "manual", "0");
  ASSERT_EQ(reply.elements.size(), 5u) << reply.str;
  EXPECT_EQ(reply.elements[0].str, "already");
  EXPECT_EQ(reply.elements[2].str, "scan");
  EXPECT_TRUE(changed_keys(before).empty());
}

TEST_P(CheckIn, AScanAfterASelfReportMovesTheMemberToPresent) {
  check_in("m2", "self", "0");
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:day", "est|all|present_self"}), "1");
  auto reply = check_in("m2", "scan", "0");
  EXPECT_EQ(reply.elements.at(0).str, "checked_in");
  EXPECT_EQ(redis().integer({"HEXISTS", "alert:{a1}:day", "est|all|present_self"}), 0);
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:day", "est|all|present"}), "1");
}

TEST_P(CheckIn, RefusalsChangeNothing) {
  const auto before = keyspace();
  auto stranger = check_in("m9", "scan");
  ASSERT_EQ(stranger.elements.size(), 1u) << stranger.str;
  EXPECT_EQ(stranger.elements[0].str, "not_in_alert");
  auto no_alert = check_in("m1", "scan", "1", "a2");
  ASSERT_EQ(no_alert.elements.size(), 1u) << no_alert.str;
  EXPECT_EQ(no_alert.elements[0].str, "no_alert");
  EXPECT_TRUE(changed_keys(before).empty());
}
TEST_P(CheckIn, AMemberNotYetPlacedCountsAtThePlaceTheCallerRead) {
  // In the audience, their job not yet queued: no place in alert:{id}:dims.
  redis().command({"SADD", "alert:{a1}:audience", "m3"});
  region_ = "nord";
  auto reply = check_in("m3", "scan");
  EXPECT_EQ(reply.elements.at(0).str, "checked_in");
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:day", "nord|all|present"}), "1");
}
TOCSIN_SCRIPT_CONTRACT(CheckIn);

class ShortCode : public ScriptContract {
 protected:
  void SetUp() override {
    ScriptContract::SetUp();
    redis().command({"HSET", "alert:{a1}", "state", "sent"});
  }
};

TEST_P(ShortCode, EachMemberGetsTheFirstFreeCandidate) {
  redis().command({"HSET", "alert:{a1}:checkin_codes", "AAAAAA", "m0"});
  std::vector<std::string> keys;
  add_short_code_keys(keys, "a1");
  add_short_code_keys(keys, "a1");
  const auto before = keyspace();
  auto reply =
      run(lua::short_code, keys, {"2", "m1", "AAAAAA", "BBBBBB", "m2", "BBBBBB", "CCCCCC"});
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:checkin_code_of", "m1"}), "BBBBBB");
  ASSERT_EQ(reply.elements.size(), 2u) << reply.str;
  EXPECT_EQ(reply.elements[0].str, "BBBBBB");
  EXPECT_EQ(reply.elements[1].str, "CCCCCC");
  EXPECT_EQ(changed_keys(before),
            (std::set<std::string>{"alert:{a1}:checkin_codes", "alert:{a1}:checkin_code_of"}));
}

TEST_P(ShortCode, ACodeMadeBeforeIsKeptAndNothingChanges) {
  std::vector<std::string> keys;
  add_short_code_keys(keys, "a1");
  run(lua::short_code, keys, {"1", "m1", "AAAAAA"});
  const auto before = keyspace();
  auto reply = run(lua::short_code, keys, {"1", "m1", "DDDDDD"});
  EXPECT_EQ(reply.elements.at(0).str, "AAAAAA");
  EXPECT_TRUE(changed_keys(before).empty());
}

TEST_P(ShortCode, EveryCandidateTakenOrNoAlertChangesNothing) {
  redis().command({"HSET", "alert:{a1}:checkin_codes", "AAAAAA", "m0"});
  std::vector<std::string> keys;
  add_short_code_keys(keys, "a1");
  const auto before = keyspace();
  EXPECT_EQ(run(lua::short_code, keys, {"1", "m1", "AAAAAA"}).elements.at(0).str, "taken");
  std::vector<std::string> other;
  add_short_code_keys(other, "a2");
  EXPECT_EQ(run(lua::short_code, other, {"1", "m1", "EEEEEE"}).elements.at(0).str, "no_alert");
  EXPECT_TRUE(changed_keys(before).empty());
}
TOCSIN_SCRIPT_CONTRACT(ShortCode);

}  // namespace
}  // namespace tocsin::checkin
