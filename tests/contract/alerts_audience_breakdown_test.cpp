// The contract of the preview's count of one batch of an audience
// (daemon/alerts/audience_breakdown.lua). Its keys cross slots (the opt-out registry, the
// members' index hashes, the call's counted-address sets), so it runs on plain Redis only.

#include <gtest/gtest.h>

#include "alerts/audience_breakdown.lua.h"
#include "redis/decode.h"
#include "tests/support/script_contract.h"

namespace tocsin::alerts {
namespace {

using testing::ScriptContract;
using Counts = std::map<std::string, int64_t>;

class AudienceBreakdownBatch : public ScriptContract {
 protected:
  void SetUp() override {
    ScriptContract::SetUp();
    redis().command({"HSET", "member:m1:idx", "mobile", "+1", "email", "a@x", "language", "en"});
    redis().command({"HSET", "member:m2:idx", "mobile", "+1", "email", "", "language", "fr"});
    redis().command({"HSET", "member:m3:idx", "mobile", "+3", "email", "c@x", "language", "de"});
    redis().command({"HSET", "member:m4:idx", "mobile", "+4", "email", "d@x"});
    redis().command({"SADD", "optout:sms", "+4"});
  }

  std::pair<Counts, Counts> count(const std::vector<std::string>& members,
                                  const std::string& languages = ",en,fr,") {
    std::vector<std::string> keys{"optout:sms", "optout:email", "tmp:brk:{b1}:sms",
                                  "tmp:brk:{b1}:email"};
    for (const auto& id : members) keys.push_back("member:" + id + ":idx");
    auto counted = redis::decode<std::pair<Counts, Counts>>(
        run(lua::audience_breakdown, keys, {"1", "1", languages}));
    EXPECT_TRUE(counted);
    return counted ? *counted : std::pair<Counts, Counts>{};
  }
};

TEST_P(AudienceBreakdownBatch, CountsEachAddressOnceAfterOptOutsInTheMessageLanguage) {
  const auto before = keyspace();
  auto [sms, email] = count({"m1", "m2", "m3", "m4"});
  // +1 shared by m1 and m2: counted once; +4 opted out; m3's "de" has no message: French.
  EXPECT_EQ(sms, (Counts{{"en", 1}, {"fr", 1}}));
  EXPECT_EQ(email, (Counts{{"en", 1}, {"fr", 2}}));
  // Only the call's own sets change, and they expire.
  EXPECT_EQ(changed_keys(before),
            (std::set<std::string>{"tmp:brk:{b1}:sms", "tmp:brk:{b1}:email"}));
  EXPECT_GT(redis().integer({"TTL", "tmp:brk:{b1}:sms"}), 0);
}

TEST_P(AudienceBreakdownBatch, AnAddressCountedInAnEarlierBatchIsNotCountedAgain) {
  count({"m1"});
  auto [sms, email] = count({"m2"});
  EXPECT_TRUE(sms.empty());
  EXPECT_TRUE(email.empty());  // m2 has no email
}
TOCSIN_SCRIPT_CONTRACT_STANDALONE_ONLY(AudienceBreakdownBatch);

}  // namespace
}  // namespace tocsin::alerts
