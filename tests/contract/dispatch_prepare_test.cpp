// The contract of dispatch's prepare step (daemon/dispatch/prepare.lua). It touches only
// the alert's keys: what it needs of the members (read in the roster's slot,
// members/members_for_send.h) and of a wave's parent (alerts/group_check.lua) comes as
// values, so it runs on a one-node cluster too.

#include <gtest/gtest.h>

#include <map>
#include <tuple>

#include "dispatch/dispatch_scripts.h"
#include "dispatch/prepare.lua.h"
#include "members/members_for_send.h"
#include "redis/decode.h"
#include "tests/support/script_contract.h"

namespace tocsin::dispatch {
namespace {

using testing::ScriptContract;
using Row = std::tuple<std::string, std::string, std::string>;

// One member of the call: id, link tag, retry channel, and (for a wave) the state that
// says they left its group.
struct Call {
  std::string id, tag, retry_channel, left_group;
};

class Prepare : public ScriptContract {
 protected:
  void SetUp() override {
    ScriptContract::SetUp();
    // Counted as their jobs were queued: no turnout write unless a state moves.
    redis().command({"HSET", "alert:{a1}", "state", "sending", "turnout_targeted", "1"});
    redis().command({"HSET", "alert:{a1}:dims", "m1", "r1|all|"});
    add_member("m1", "+15145550001", "m1@example.org");
  }

  // What members/members_for_send.h would have read of them.
  void add_member(const std::string& id, const std::string& mobile, const std::string& email) {
    roster_[id] = {.stored = true,
                   .record = "bytes of " + id,
                   .mobile = mobile,
                   .email = email,
                   .region = "r1"};
  }

  std::vector<Row> prepare(const std::string& mode, const std::string& channels,
                           const std::vector<Call>& calls, bool links_here = true) {
    std::vector<PrepareMember> members;
    for (const Call& call : calls) {
      members.push_back({call.id, call.tag, call.retry_channel, roster_[call.id], call.left_group});
    }
    auto reply =
        run(lua::prepare, prepare_keys("a1"), prepare_args(mode, channels, links_here, members));
    std::string why;
    auto rows = redis::decode<std::vector<Row>>(reply, &why);
    EXPECT_TRUE(rows) << why;
    return rows ? *rows : std::vector<Row>{};
  }
  std::vector<Row> prepare_m1(const std::string& mode, const std::string& channels,
                              const std::string& retry_channel = "") {
    return prepare(mode, channels, {{"m1", "tag1", retry_channel, ""}});
  }

  std::map<std::string, members::MemberForSend> roster_;
};

TEST_P(Prepare, TheKeysAreTheAlertsOwn) {
  EXPECT_EQ(
      prepare_keys("a1"),
      (std::vector<std::string>{"alert:{a1}", "alert:{a1}:delivery", "alert:{a1}:to",
                                "alert:{a1}:count", "alert:{a1}:unreachable", "alert:{a1}:links"}));
}

TEST_P(Prepare, AFreshMemberIsClaimedOnTheChosenChannelAndTheirLinkTagStored) {
  const auto before = keyspace();
  auto rows = prepare_m1("send", "sms");
  EXPECT_EQ(rows, (std::vector<Row>{{"m1", "send", "none"}}));
  EXPECT_EQ(changed_keys(before), (std::set<std::string>{"alert:{a1}:to", "alert:{a1}:links"}));
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:to", "+15145550001"}), "m1");
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:links", "tag1"}), "m1");
}

TEST_P(Prepare, AMemberWithAStateAlreadyIsDoneAndNothingChanges) {
  redis().command({"HSET", "alert:{a1}:delivery", "m1:sms", "sent"});
  const auto before = keyspace();
  auto rows = prepare_m1("send", "sms");
  EXPECT_EQ(rows, (std::vector<Row>{{"m1", "done", "none"}}));
  EXPECT_TRUE(changed_keys(before).empty());
}

TEST_P(Prepare, AnOptedOutAddressIsRecordedOptedOutAndItsReachMoveLogged) {
  roster_["m1"].sms_opted_out = true;
  const auto before = keyspace();
  auto rows = prepare_m1("send", "sms");
  EXPECT_EQ(rows, (std::vector<Row>{{"m1", "opted_out", "none"}}));
  EXPECT_EQ(changed_keys(before),
            (std::set<std::string>{"alert:{a1}:delivery", "alert:{a1}:count",
                                   "alert:{a1}:reach_log", "alert:{a1}:reach_log_at"}));
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:delivery", "m1:sms"}), "opted_out");
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:count", "opted_out"}), "1");
}

TEST_P(Prepare, AnAddressClaimedByAnotherMemberIsSkippedAsShared) {
  redis().command({"HSET", "alert:{a1}:to", "+15145550001", "m0"});
  auto rows = prepare_m1("send", "sms");
  EXPECT_EQ(std::get<1>(rows.at(0)), "skipped:shared");
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:delivery", "m1:sms"}), "skipped:shared");
}

// The call reads the owners once, first, and writes them at its end: a number two members of
// one call share is still claimed by the first of them only.
TEST_P(Prepare, AnAddressSharedWithinOneCallIsClaimedByTheFirstOnly) {
  add_member("m2", "+15145550001", "m2@example.org");
  add_member("m3", "+15145550003", "");
  auto rows = prepare("send", "both",
                      {{"m1", "tag1", "", ""}, {"m2", "tag2", "", ""}, {"m3", "tag3", "", ""}});
  EXPECT_EQ(rows,
            (std::vector<Row>{
                {"m1", "send", "send"}, {"m2", "skipped:shared", "send"}, {"m3", "send", "none"}}));
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:to", "+15145550001"}), "m1");
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:to", "m2@example.org"}), "m2");
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:delivery", "m2:sms"}), "skipped:shared");
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:count", "skipped"}), "1");
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:links", "tag2"}), "m2");
  EXPECT_EQ(redis().integer({"HLEN", "alert:{a1}:links"}), 3);
}

// A member given twice in one call (a job delivered again) is decided once: the second
// time their state, written by the first, makes them done.
TEST_P(Prepare, AMemberGivenTwiceInOneCallIsDecidedOnce) {
  roster_["m1"].sms_opted_out = true;
  auto rows = prepare("send", "sms", {{"m1", "tag1", "", ""}, {"m1", "tag1", "", ""}});
  EXPECT_EQ(rows, (std::vector<Row>{{"m1", "opted_out", "none"}, {"m1", "done", "none"}}));
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:count", "opted_out"}), "1");
}

// A link tag stored already, as a crash between prepare and send leaves it, is kept.
TEST_P(Prepare, ALinkTagStoredBeforeIsKept) {
  redis().command({"HSET", "alert:{a1}:links", "tag1", "m1"});
  auto rows = prepare_m1("send", "sms");
  EXPECT_EQ(rows, (std::vector<Row>{{"m1", "send", "none"}}));
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:links", "tag1"}), "m1");
  EXPECT_EQ(redis().integer({"HLEN", "alert:{a1}:links"}), 1);
}

TEST_P(Prepare, PastTheDeadlineEveryChosenChannelExpires) {
  auto rows = prepare_m1("expire", "both");
  EXPECT_EQ(std::get<1>(rows.at(0)), "expired");
  EXPECT_EQ(std::get<2>(rows.at(0)), "expired");
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:count", "expired"}), "2");
  EXPECT_EQ(redis().integer({"EXISTS", "alert:{a1}:links"}), 0);
}

TEST_P(Prepare, AMemberRemovedFromTheRosterIsSkippedAsRemoved) {
  roster_["m1"] = {};  // removed from the roster
  auto rows = prepare_m1("send", "sms");
  EXPECT_EQ(rows, (std::vector<Row>{{"m1", "skipped:removed", "none"}}));
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:delivery", "m1:sms"}), "skipped:removed");
}

TEST_P(Prepare, AMemberWithNoAddressOnTheChannelsIsCountedUnreachableOnce) {
  add_member("m2", "", "m2@example.org");
  redis().command({"HSET", "alert:{a1}:dims", "m2", "r1|all|"});
  const auto before = keyspace();
  auto rows = prepare("send", "sms", {{"m2", "tag2", "", ""}});
  EXPECT_EQ(rows, (std::vector<Row>{{"m2", "none", "none"}}));
  EXPECT_EQ(
      changed_keys(before),
      (std::set<std::string>{"alert:{a1}:unreachable", "alert:{a1}:reach", "alert:{a1}:regions",
                             "alert:{a1}:turnout_version", "alert:{a1}:turnout_tracked",
                             "alert:{a1}:reach:moved", "alert:{a1}:turnout_at"}));
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:reach", "r1|all|skipped"}), "1");
  const auto again = keyspace();
  prepare("send", "sms", {{"m2", "tag2", "", ""}});
  EXPECT_TRUE(changed_keys(again).empty());
}

TEST_P(Prepare, BeforeTheTargetingPassTheMemberIsCountedAsTargeted) {
  redis().command({"HDEL", "alert:{a1}", "turnout_targeted"});
  redis().command({"DEL", "alert:{a1}:dims"});
  const auto before = keyspace();
  prepare_m1("send", "sms");
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
  auto rows = prepare_m1("send", "email", "sms");
  EXPECT_EQ(std::get<1>(rows.at(0)), "send");  // sms, though the alert chose email
  EXPECT_EQ(std::get<2>(rows.at(0)), "none");
  EXPECT_EQ(changed_keys(before), (std::set<std::string>{"alert:{a1}:links"}));
  redis().command({"HSET", "alert:{a1}:delivery", "m1:sms", "delivered"});
  EXPECT_EQ(std::get<1>(prepare_m1("send", "email", "sms").at(0)), "done");
}

TEST_P(Prepare, AWaveRecordsAMemberWhoLeftTheGroupAndLeavesTheLinksToTheCaller) {
  redis().command({"HSET", "alert:{a1}", "parent", "p1", "target_group", "no_answer"});
  add_member("m2", "+15145550002", "m2@example.org");
  redis().command({"HSET", "alert:{a1}:dims", "m2", "r1|all|"});
  const auto before = keyspace();
  // m1 answered the parent since the wave was planned (alerts/group_check.lua said so).
  auto rows =
      prepare("send", "sms", {{"m1", "tag1", "", "skipped:answered"}, {"m2", "tag2", "", ""}},
              /*links_here=*/false);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(std::get<1>(rows[0]), "skipped:answered");
  EXPECT_EQ(std::get<1>(rows[1]), "send");
  // The parent's links are written by the engine, in the parent's slot.
  EXPECT_EQ(changed_keys(before),
            (std::set<std::string>{"alert:{a1}:delivery", "alert:{a1}:count", "alert:{a1}:to",
                                   "alert:{a1}:reach_log", "alert:{a1}:reach_log_at"}));
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:delivery", "m1:sms"}), "skipped:answered");
}
// Past 1,000 fields the reads and writes go in slices (dispatch/hash_batch_lib.lua): 600
// members on both channels are 1,200 states read and, here, 1,200 written.
TEST_P(Prepare, ACallOfMoreFieldsThanOneSliceReadsAndWritesThemAll) {
  redis().command({"HSET", "alert:{a1}", "parent", "p1", "target_group", "no_answer"});
  std::vector<Call> calls;
  for (int i = 0; i < 600; ++i) {
    const std::string id = "w" + std::to_string(i);
    add_member(id, "+1514556" + std::to_string(1000 + i), id + "@example.org");
    roster_[id].sms_opted_out = roster_[id].email_opted_out = true;
    redis().command({"HSET", "alert:{a1}:dims", id, "r1|all|"});
    // Every third member answered the parent since the wave was planned.
    calls.push_back({id, "t" + std::to_string(i), "", i % 3 == 0 ? "skipped:answered" : ""});
  }
  auto rows = prepare("send", "both", calls, /*links_here=*/false);
  ASSERT_EQ(rows.size(), 600u);
  for (int i = 0; i < 600; ++i) {
    const std::string want = i % 3 == 0 ? "skipped:answered" : "opted_out";
    EXPECT_EQ(rows[i], (Row{"w" + std::to_string(i), want, want})) << i;
  }
  EXPECT_EQ(redis().integer({"HLEN", "alert:{a1}:delivery"}), 1200);
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:delivery", "w599:email"}), "opted_out");
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:count", "opted_out"}), "800");
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:count", "skipped"}), "400");
}
TOCSIN_SCRIPT_CONTRACT(Prepare);

}  // namespace
}  // namespace tocsin::dispatch
