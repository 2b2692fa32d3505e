// The contract of the audience count (daemon/members/audience_count.lua), driven with
// programs compiled by members/audience_program.h as the daemon runs them. Its keys cross
// slots (the shared member indexes, one per term), so it runs on plain Redis only: a count
// must see all the indexes at one instant, on one Redis.

#include <gtest/gtest.h>

#include "members/audience.h"
#include "members/audience_count.lua.h"
#include "members/audience_program.h"
#include "tests/support/script_contract.h"

namespace tocsin::members {
namespace {

using testing::ScriptContract;

class AudienceCount : public ScriptContract {
 protected:
  void SetUp() override {
    ScriptContract::SetUp();
    redis().command({"SADD", "members:all", "m1", "m2", "m3", "m4"});
    redis().command({"SADD", "members:sms", "m1", "m2", "m3"});
    redis().command({"SADD", "members:email", "m1", "m4"});
    redis().command({"SADD", "optout:sms:members", "m2"});
    redis().command({"SADD", "aud:region:estrie", "m1", "m2"});
    redis().command({"SADD", "aud:sector:sante", "m2", "m3"});
  }

  redis::Reply count(const std::string& text) {
    auto expression = parse_audience(text);
    EXPECT_TRUE(expression) << text;
    AudienceProgram program = compile_audience(*expression, "tmp:aud:{t1}:");
    return run(lua::audience_count, program.keys, program.args);
  }
};

TEST_P(AudienceCount, CountsMembersAndTheReachableOfEachChannelAndWritesNothing) {
  const auto before = keyspace();
  auto reply = count("region:estrie");
  ASSERT_EQ(reply.elements.size(), 4u);
  EXPECT_EQ(reply.elements[0].integer, 2);  // m1, m2
  EXPECT_EQ(reply.elements[1].integer, 1);  // m2 opted out of SMS
  EXPECT_EQ(reply.elements[2].integer, 1);  // m1's email
  ASSERT_EQ(reply.elements[3].elements.size(), 1u);
  EXPECT_EQ(reply.elements[3].elements[0].integer, 1);
  EXPECT_TRUE(changed_keys(before).empty());
}

TEST_P(AudienceCount, AnIntersectionUsesTemporariesAndDeletesThem) {
  const auto before = keyspace();
  auto reply = count("region:estrie AND sector:sante");
  EXPECT_EQ(reply.elements.at(0).integer, 1);  // m2
  EXPECT_TRUE(changed_keys(before).empty());
}

TEST_P(AudienceCount, AnEmptyTermIsReportedUnknown) {
  auto reply = count("region:estri OR region:estrie");
  ASSERT_EQ(reply.elements.at(3).elements.size(), 2u);
  EXPECT_EQ(reply.elements[3].elements[0].integer + reply.elements[3].elements[1].integer, 1);
  EXPECT_EQ(reply.elements[0].integer, 2);
}

TEST_P(AudienceCount, ANegationCountsEveryoneElse) {
  auto reply = count("NOT region:estrie");
  EXPECT_EQ(reply.elements.at(0).integer, 2);  // m3, m4
  EXPECT_EQ(reply.elements[1].integer, 1);     // m3
  EXPECT_EQ(reply.elements[2].integer, 1);     // m4
}

TEST_P(AudienceCount, AnErrorStillDeletesTheTemporaries) {
  redis().command({"SET", "aud:local:l1", "not a set"});
  const auto before = keyspace();
  auto reply = count("region:estrie AND (sector:sante OR local:l1)");
  EXPECT_TRUE(reply.is_error());
  EXPECT_TRUE(changed_keys(before).empty());
}
TOCSIN_SCRIPT_CONTRACT_STANDALONE_ONLY(AudienceCount);

}  // namespace
}  // namespace tocsin::members
