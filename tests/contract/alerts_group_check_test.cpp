// The contract of the group check a wave's or a follow-up's members pass just before they
// are sent (daemon/alerts/group_check.lua, with the rule of alerts/group_lib.lua). It reads
// only the parent's keys, under its hash tag, so it runs on plain Redis and on a cluster.

#include <gtest/gtest.h>

#include "alerts/group_check.lua.h"
#include "tests/support/script_contract.h"

namespace tocsin::alerts {
namespace {

using testing::ScriptContract;

class GroupCheck : public ScriptContract {
 protected:
  void SetUp() override {
    ScriptContract::SetUp();
    // m1 said yes, m2 sent an unclear reply, m3 nothing.
    redis().command({"HSET", "alert:{p1}:rsvp", "m1",
                     "yes\x1f"
                     "0\x1f"});
    redis().command({"HSET", "alert:{p1}:unknown", "m2", "1|hein"});
  }

  // Per member, one per line: "" when in the group, else the state that says why not.
  std::string check(const std::string& group, std::vector<std::string> members) {
    std::vector<std::string> keys{
        "alert:{p1}",         "alert:{p1}:rsvp",     "alert:{p1}:unknown",    "alert:{p1}:seat",
        "alert:{p1}:waiting", "alert:{p1}:delivery", "alert:{p1}:unreachable"};
    members.insert(members.begin(), group);
    std::string states;
    for (const auto& element : run(alerts::lua::group_check, keys, members).elements) {
      states += element.str + "\n";
    }
    return states;
  }
};

TEST_P(GroupCheck, AReminderSkipsThoseWhoAnsweredInAnyWayAndWritesNothing) {
  const auto before = keyspace();
  EXPECT_EQ(check("no_answer", {"m1", "m2", "m3"}), "skipped:answered\nskipped:answered\n\n");
  EXPECT_TRUE(changed_keys(before).empty());
}

TEST_P(GroupCheck, AFollowUpSkipsThoseNoLongerInItsGroupAsLeft) {
  EXPECT_EQ(check("yes", {"m1", "m3"}), "\nskipped:left_group\n");
}
TOCSIN_SCRIPT_CONTRACT(GroupCheck);

}  // namespace
}  // namespace tocsin::alerts
