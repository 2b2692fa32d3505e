// The contract of dispatch's prepare step (daemon/dispatch/prepare.lua). One call reads the
// job's members' records (member:<id>, member:<id>:idx), the global opt-out registries
// and, for a wave or a follow-up, its parent alert's keys beside the alert's own: its keys
// cross slots today, so it runs on plain Redis only.

#include <gtest/gtest.h>

#include <tuple>

#include "dispatch/dispatch_scripts.h"
#include "dispatch/prepare.lua.h"
#include "redis/decode.h"
#include "tests/support/script_contract.h"

namespace tocsin::dispatch {
namespace {

using testing::ScriptContract;
using Row =
    std::tuple<std::string, std::string, std::string, std::string, std::string, std::string>;

class Prepare : public ScriptContract {
 protected:
  void SetUp() override {
    ScriptContract::SetUp();
    // Counted as their jobs were queued: no turnout write unless a state moves.
    redis().command({"HSET", "alert:{a1}", "state", "sending", "turnout_targeted", "1"});
    redis().command({"HSET", "alert:{a1}:dims", "m1", "r1|all|"});
    add_member("m1", "+15145550001", "m1@example.org");
  }

  void add_member(const std::string& id, const std::string& mobile, const std::string& email) {
    redis().command({"SET", "{roster}:member:" + id, "bytes of " + id});
    redis().command({"HSET", "{roster}:member:" + id + ":idx", "mobile", mobile, "email", email,
                     "region", "r1"});
  }

  // The keys the engine passes (prepare_keys), checked against their spelling once here.
  std::vector<Row> prepare(const std::vector<std::string>& args,
                           const std::vector<std::string>& members = {"m1"},
                           const std::string& rsvp_alert = "a1") {
    auto reply = run(lua::prepare, prepare_keys("a1", rsvp_alert, members), args);
    std::string why;
    auto rows = redis::decode<std::vector<Row>>(reply, &why);
    EXPECT_TRUE(rows) << why;
    return rows ? *rows : std::vector<Row>{};
  }
};

TEST_P(Prepare, TheKeysAreTheAlertsItsOptOutRegistriesAndEachMembersRecordAndIndex) {
  EXPECT_EQ(prepare_keys("a1", "p1", {"m1", "m2"}),
            (std::vector<std::string>{
                "alert:{a1}", "alert:{a1}:delivery", "alert:{a1}:to", "alert:{a1}:count",
                "alert:{a1}:unreachable", "alert:{p1}:links", "alert:{p1}", "{roster}:optout:sms",
                "{roster}:optout:email", "{roster}:member:m1", "{roster}:member:m1:idx",
                "{roster}:member:m2", "{roster}:member:m2:idx"}));
}

TEST_P(Prepare, AFreshMemberIsClaimedOnTheChosenChannelAndTheirLinkTagStored) {
  const auto before = keyspace();
  auto rows = prepare({"send", "sms", "m1", "tag1", ""});
  EXPECT_EQ(
      rows,
      (std::vector<Row>{{"m1", "bytes of m1", "send", "none", "+15145550001", "m1@example.org"}}));
  EXPECT_EQ(changed_keys(before), (std::set<std::string>{"alert:{a1}:to", "alert:{a1}:links"}));
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:to", "+15145550001"}), "m1");
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:links", "tag1"}), "m1");
}

TEST_P(Prepare, AMemberWithAStateAlreadyIsDoneAndNothingChanges) {
  redis().command({"HSET", "alert:{a1}:delivery", "m1:sms", "sent"});
  const auto before = keyspace();
  auto rows = prepare({"send", "sms", "m1", "tag1", ""});
  EXPECT_EQ(rows, (std::vector<Row>{{"m1", "", "done", "none", "+15145550001", "m1@example.org"}}));
  EXPECT_TRUE(changed_keys(before).empty());
}

TEST_P(Prepare, AnOptedOutAddressIsRecordedOptedOutAndItsReachMoveLogged) {
  redis().command({"SADD", "{roster}:optout:sms", "+15145550001"});
  const auto before = keyspace();
  auto rows = prepare({"send", "sms", "m1", "tag1", ""});
  EXPECT_EQ(rows,
            (std::vector<Row>{{"m1", "", "opted_out", "none", "+15145550001", "m1@example.org"}}));
  EXPECT_EQ(changed_keys(before),
            (std::set<std::string>{"alert:{a1}:delivery", "alert:{a1}:count",
                                   "alert:{a1}:reach_log", "alert:{a1}:reach_log_at"}));
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:delivery", "m1:sms"}), "opted_out");
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:count", "opted_out"}), "1");
}

TEST_P(Prepare, AnAddressClaimedByAnotherMemberIsSkippedAsShared) {
  redis().command({"HSET", "alert:{a1}:to", "+15145550001", "m0"});
  auto rows = prepare({"send", "sms", "m1", "tag1", ""});
  EXPECT_EQ(std::get<2>(rows.at(0)), "skipped:shared");
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:delivery", "m1:sms"}), "skipped:shared");
}

TEST_P(Prepare, PastTheDeadlineEveryChosenChannelExpires) {
  auto rows = prepare({"expire", "both", "m1", "tag1", ""});
  EXPECT_EQ(std::get<2>(rows.at(0)), "expired");
  EXPECT_EQ(std::get<3>(rows.at(0)), "expired");
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:count", "expired"}), "2");
  EXPECT_EQ(redis().integer({"EXISTS", "alert:{a1}:links"}), 0);
}

TEST_P(Prepare, AMemberRemovedFromTheRosterIsSkippedAsRemoved) {
  redis().command({"DEL", "{roster}:member:m1", "{roster}:member:m1:idx"});
  auto rows = prepare({"send", "sms", "m1", "tag1", ""});
  EXPECT_EQ(rows, (std::vector<Row>{{"m1", "", "skipped:removed", "none", "", ""}}));
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:delivery", "m1:sms"}), "skipped:removed");
}

TEST_P(Prepare, AMemberWithNoAddressOnTheChannelsIsCountedUnreachableOnce) {
  add_member("m2", "", "m2@example.org");
  redis().command({"HSET", "alert:{a1}:dims", "m2", "r1|all|"});
  const auto before = keyspace();
  auto rows = prepare({"send", "sms", "m2", "tag2", ""}, {"m2"});
  EXPECT_EQ(rows, (std::vector<Row>{{"m2", "", "none", "none", "", "m2@example.org"}}));
  EXPECT_EQ(
      changed_keys(before),
      (std::set<std::string>{"alert:{a1}:unreachable", "alert:{a1}:reach", "alert:{a1}:regions",
                             "alert:{a1}:turnout_version", "alert:{a1}:turnout_tracked",
                             "alert:{a1}:reach:moved", "alert:{a1}:turnout_at"}));
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:reach", "r1|all|skipped"}), "1");
  const auto again = keyspace();
  prepare({"send", "sms", "m2", "tag2", ""}, {"m2"});
  EXPECT_TRUE(changed_keys(again).empty());
}

TEST_P(Prepare, BeforeTheTargetingPassTheMemberIsCountedAsTargeted) {
  redis().command({"HDEL", "alert:{a1}", "turnout_targeted"});
  redis().command({"DEL", "alert:{a1}:dims"});
  const auto before = keyspace();
  prepare({"send", "sms", "m1", "tag1", ""});
  EXPECT_EQ(changed_keys(before),
            (std::set<std::string>{"alert:{a1}:to", "alert:{a1}:links", "alert:{a1}:dims",
                                   "alert:{a1}:reach", "alert:{a1}:regions",
                                   "alert:{a1}:turnout_version", "alert:{a1}:turnout_tracked",
                                   "alert:{a1}:reach:moved", "alert:{a1}:turnout_at"}));
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:reach", "r1|all|targeted"}), "1");
}

TEST_P(Prepare, ARetryIsSentOnlyWhileRetryingAndWritesNoState) {
  redis().command({"HSET", "alert:{a1}:delivery", "m1:sms", "retrying"});
  redis().command({"HSET", "alert:{a1}:to", "+15145550001", "m1"});
  const auto before = keyspace();
  auto rows = prepare({"send", "email", "m1", "tag1", "sms"});
  EXPECT_EQ(std::get<2>(rows.at(0)), "send");  // sms, though the alert chose email
  EXPECT_EQ(std::get<3>(rows.at(0)), "none");
  EXPECT_EQ(changed_keys(before), (std::set<std::string>{"alert:{a1}:links"}));
  redis().command({"HSET", "alert:{a1}:delivery", "m1:sms", "delivered"});
  EXPECT_EQ(std::get<2>(prepare({"send", "email", "m1", "tag1", "sms"}).at(0)), "done");
}

TEST_P(Prepare, AWaveSkipsAMemberWhoAnsweredAndSendsTheParentsLinks) {
  redis().command({"HSET", "alert:{a1}", "parent", "p1", "target_group", "no_answer"});
  add_member("m2", "+15145550002", "m2@example.org");
  redis().command({"HSET", "alert:{a1}:dims", "m2", "r1|all|"});
  redis().command({"HSET", "alert:{p1}:rsvp", "m1",
                   "yes\x1f"
                   "0"});
  const auto before = keyspace();
  auto rows = prepare({"send", "sms", "m1", "tag1", "", "m2", "tag2", ""}, {"m1", "m2"}, "p1");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(std::get<2>(rows[0]), "skipped:answered");
  EXPECT_EQ(std::get<2>(rows[1]), "send");
  EXPECT_EQ(changed_keys(before),
            (std::set<std::string>{"alert:{a1}:delivery", "alert:{a1}:count", "alert:{a1}:to",
                                   "alert:{a1}:reach_log", "alert:{a1}:reach_log_at",
                                   "alert:{p1}:links"}));
  EXPECT_EQ(redis().text({"HGET", "alert:{p1}:links", "tag2"}), "m2");
}
TOCSIN_SCRIPT_CONTRACT_STANDALONE_ONLY(Prepare);

}  // namespace
}  // namespace tocsin::dispatch
