// The contract of a child alert's planning, slice by slice
// (daemon/alerts/group_slice.lua, with the rule of alerts/group_lib.lua). It reads only the
// parent's keys, under its hash tag, and returns the chosen ids (the caller stores them), so
// it runs on plain Redis and on a cluster.

#include <gtest/gtest.h>

#include "alerts/group_slice.lua.h"
#include "tests/support/script_contract.h"

namespace tocsin::alerts {
namespace {

using testing::ScriptContract;

class GroupSlice : public ScriptContract {
 protected:
  void SetUp() override {
    ScriptContract::SetUp();
    // m1 said yes with a bus seat, m2 maybe, m3 sent an unclear reply, m4 nothing; m5's SMS
    // failed, m6 has no address; m7 holds an unconfirmed seat, m8 is waitlisted.
    redis().command({"HSET", "alert:{p1}:rsvp", "m1",
                     "yes\x1f"
                     "2\x1f",
                     "m2",
                     "maybe\x1f"
                     "0\x1f"});
    redis().command({"HSET", "alert:{p1}:unknown", "m3", "1|hein"});
    redis().command({"HSET", "alert:{p1}:delivery", "m5:sms", "failed:carrier", "m1:sms", "sent"});
    redis().command({"SADD", "alert:{p1}:unreachable", "m6"});
    redis().command({"HSET", "alert:{p1}:seat", "m7",
                     "p\x1f"
                     "1\x1f"
                     "1\x1f"
                     "5\x1f"
                     "0"});
    redis().command({"HSET", "alert:{p1}:waiting", "m8",
                     "p\x1f"
                     "1\x1f"
                     "5\x1f"
                     "1"});
  }

  // The chosen ids, one per line, in the order given.
  std::string plan(const std::string& group, std::vector<std::string> members) {
    std::vector<std::string> keys{
        "alert:{p1}",         "alert:{p1}:rsvp",     "alert:{p1}:unknown",    "alert:{p1}:seat",
        "alert:{p1}:waiting", "alert:{p1}:delivery", "alert:{p1}:unreachable"};
    members.insert(members.begin(), group);
    std::string chosen;
    for (const auto& element : run(alerts::lua::group_slice, keys, members).elements) {
      chosen += element.str + "\n";
    }
    return chosen;
  }
};

const std::vector<std::string> kEveryone{"m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8"};

TEST_P(GroupSlice, ReturnsOnlyTheGroupsMembersAndWritesNothing) {
  const auto before = keyspace();
  // m1 and m2 answered, m3's unclear reply waits: the others have no answer.
  EXPECT_EQ(plan("no_answer", kEveryone), "m4\nm5\nm6\nm7\nm8\n");
  EXPECT_TRUE(changed_keys(before).empty());
}

TEST_P(GroupSlice, EachGroupReadsItsOwnRule) {
  EXPECT_EQ(plan("yes_with_bus", kEveryone), "m1\n");
  EXPECT_EQ(plan("maybe", kEveryone), "m2\n");
  EXPECT_EQ(plan("not_delivered", kEveryone), "m5\nm6\n");
  EXPECT_EQ(plan("seated_unconfirmed", kEveryone), "m7\n");
  EXPECT_EQ(plan("waitlisted", kEveryone), "m8\n");
}

TEST_P(GroupSlice, NobodyInTheGroupWritesNothing) {
  const auto before = keyspace();
  EXPECT_EQ(plan("yes", {"m2", "m4"}), "");
  EXPECT_EQ(plan("unknown_group", kEveryone), "");
  EXPECT_TRUE(changed_keys(before).empty());
}
TOCSIN_SCRIPT_CONTRACT(GroupSlice);

}  // namespace
}  // namespace tocsin::alerts
