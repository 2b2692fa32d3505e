// The contract of the audience count (daemon/members/audience_count.lua), driven with
// programs compiled by members/audience_program.h as the daemon runs them. Its keys are all
// under the {roster} tag, so it runs on a one-node cluster too.

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
    redis().command({"SADD", "{roster}:members:all", "m1", "m2", "m3", "m4"});
    redis().command({"SADD", "{roster}:members:sms", "m1", "m2", "m3"});
    redis().command({"SADD", "{roster}:members:email", "m1", "m4"});
    redis().command({"SADD", "{roster}:optout:sms:members", "m2"});
    redis().command({"SADD", "{roster}:aud:region:estrie", "m1", "m2"});
    redis().command({"SADD", "{roster}:aud:sector:sante", "m2", "m3"});
  }

  redis::Reply count(const std::string& text) {
    auto expression = parse_audience(text);
    EXPECT_TRUE(expression) << text;
    AudienceProgram program = compile_audience(*expression, "{roster}:tmp:aud:t1:");
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
  redis().command({"SET", "{roster}:aud:local:l1", "not a set"});
  const auto before = keyspace();
  auto reply = count("region:estrie AND (sector:sante OR local:l1)");
  EXPECT_TRUE(reply.is_error());
  EXPECT_TRUE(changed_keys(before).empty());
}
TOCSIN_SCRIPT_CONTRACT(AudienceCount);

}  // namespace
}  // namespace tocsin::members
