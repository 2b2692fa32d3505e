// The contract of the opt-out registry's writes for addresses a gateway refused while
// sending (daemon/members/gateway_opt_outs.lua): every key under {roster}, so it runs on
// plain Redis and on a cluster.

#include <gtest/gtest.h>

#include "members/gateway_opt_outs.h"
#include "members/gateway_opt_outs.lua.h"
#include "tests/support/script_contract.h"

namespace tocsin::members {
namespace {

using testing::ScriptContract;

class GatewayOptOuts : public ScriptContract {};

TEST_P(GatewayOptOuts, AnSmsOptOutRegistersThePhoneAndEveryMemberHoldingIt) {
  redis().command({"SADD", "{roster}:phone:+15145550001", "m1", "m9"});
  const ScriptCall call = gateway_opt_outs_call({{"sms", "+15145550001", "m1"}});
  const auto before = keyspace();
  EXPECT_EQ(run(lua::gateway_opt_outs, call.keys, call.args).integer, 1);
  EXPECT_EQ(changed_keys(before),
            (std::set<std::string>{"{roster}:optout:sms", "{roster}:optout:sms:members"}));
  EXPECT_EQ(redis().text({"SMEMBERS", "{roster}:optout:sms"}), "+15145550001\n");
  EXPECT_EQ(redis().text({"SORT", "{roster}:optout:sms:members", "ALPHA"}), "m1\nm9\n");
}

TEST_P(GatewayOptOuts, AnEmailOptOutRegistersTheAddressAndItsMemberAndAgainChangesNothing) {
  const ScriptCall call =
      gateway_opt_outs_call({{"email", "m2@example.org", "m2"}, {"sms", "+15145550002", "m3"}});
  run(lua::gateway_opt_outs, call.keys, call.args);
  EXPECT_EQ(redis().text({"SMEMBERS", "{roster}:optout:email"}), "m2@example.org\n");
  EXPECT_EQ(redis().text({"SMEMBERS", "{roster}:optout:email:members"}), "m2\n");
  // A phone no member holds any more: registered all the same.
  EXPECT_EQ(redis().text({"SMEMBERS", "{roster}:optout:sms"}), "+15145550002\n");
  const auto again = keyspace();
  run(lua::gateway_opt_outs, call.keys, call.args);
  EXPECT_TRUE(changed_keys(again).empty());
}

TOCSIN_SCRIPT_CONTRACT(GatewayOptOuts);

}  // namespace
}  // namespace tocsin::members
