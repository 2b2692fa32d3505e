// The contract of the opt-out registry's step (daemon/members/opt_out_registry.lua): a
// gateway's refusals and a member's STOP or START by SMS, every key under {roster}, so it
// runs on plain Redis and on a cluster.

#include <gtest/gtest.h>

#include "members/opt_out_registry.h"
#include "members/opt_out_registry.lua.h"
#include "tests/support/script_contract.h"

namespace tocsin::members {
namespace {

using testing::ScriptContract;

class OptOutRegistry : public ScriptContract {};

TEST_P(OptOutRegistry, AnSmsOptOutRegistersThePhoneAndEveryMemberHoldingIt) {
  redis().command({"SADD", "{roster}:phone:+15145550001", "m1", "m9"});
  const ScriptCall call =
      opt_out_registry_call({{.channel = "sms", .address = "+15145550001", .member_id = "m1"}});
  const auto before = keyspace();
  EXPECT_EQ(run(lua::opt_out_registry, call.keys, call.args).integer, 1);
  EXPECT_EQ(changed_keys(before),
            (std::set<std::string>{"{roster}:optout:sms", "{roster}:optout:sms:members"}));
  EXPECT_EQ(redis().text({"SMEMBERS", "{roster}:optout:sms"}), "+15145550001\n");
  EXPECT_EQ(redis().text({"SORT", "{roster}:optout:sms:members", "ALPHA"}), "m1\nm9\n");
}

TEST_P(OptOutRegistry, AnEmailOptOutRegistersTheAddressAndItsMemberAndAgainChangesNothing) {
  const ScriptCall call =
      opt_out_registry_call({{.channel = "email", .address = "m2@example.org", .member_id = "m2"},
                             {.channel = "sms", .address = "+15145550002", .member_id = "m3"}});
  run(lua::opt_out_registry, call.keys, call.args);
  EXPECT_EQ(redis().text({"SMEMBERS", "{roster}:optout:email"}), "m2@example.org\n");
  EXPECT_EQ(redis().text({"SMEMBERS", "{roster}:optout:email:members"}), "m2\n");
  // A phone no member holds any more: registered all the same.
  EXPECT_EQ(redis().text({"SMEMBERS", "{roster}:optout:sms"}), "+15145550002\n");
  const auto again = keyspace();
  run(lua::opt_out_registry, call.keys, call.args);
  EXPECT_TRUE(changed_keys(again).empty());
}

TEST_P(OptOutRegistry, AStopThenAStartOfOneNumberInOneCallEndsIn) {
  redis().command({"SADD", "{roster}:phone:+15145550001", "m1"});
  const ScriptCall call =
      opt_out_registry_call({{.stop = true, .channel = "sms", .address = "+15145550001"},
                             {.stop = false, .channel = "sms", .address = "+15145550001"}});
  EXPECT_EQ(run(lua::opt_out_registry, call.keys, call.args).integer, 2);
  EXPECT_EQ(redis().integer({"EXISTS", "{roster}:optout:sms", "{roster}:optout:sms:members"}), 0);
}

TOCSIN_SCRIPT_CONTRACT(OptOutRegistry);

}  // namespace
}  // namespace tocsin::members
