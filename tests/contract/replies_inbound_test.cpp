// The contracts of the small reply scripts (daemon/replies/*.lua): a reply stored as it
// arrives, once per provider message id; and the automatic answers allowed per number.

#include <gtest/gtest.h>

#include "replies/auto_answer.lua.h"
#include "replies/inbound_store.lua.h"
#include "replies/reply_keys.h"
#include "replies/reply_scripts.h"
#include "tests/support/script_contract.h"

namespace tocsin::replies {
namespace {

using testing::ScriptContract;

class InboundStore : public ScriptContract {
 protected:
  redis::Reply store(const std::string& provider_id, const std::string& text) {
    std::vector<std::string> script_keys{std::string(keys::kInboundQueue)};
    if (!provider_id.empty()) script_keys.push_back(keys::inbound_seen("twilio", provider_id));
    return run(lua::inbound_store, script_keys, {"60", "from", "+15145550001", "text", text});
  }
};

TEST_P(InboundStore, AppendsTheReplyAndRemembersItsProviderId) {
  const auto before = keyspace();
  EXPECT_EQ(store("SM1", "OUI").str, "added");
  EXPECT_EQ(changed_keys(before),
            (std::set<std::string>{"q:replies", "inbound:seen:{q:replies}:twilio:SM1"}));
  EXPECT_NE(redis().text({"XRANGE", "q:replies", "-", "+"}).find("text\nOUI\n"), std::string::npos);
  const int64_t ttl = redis().integer({"TTL", "inbound:seen:{q:replies}:twilio:SM1"});
  EXPECT_GT(ttl, 0);
  EXPECT_LE(ttl, 60);
}

TEST_P(InboundStore, ARepeatedWebhookChangesNothing) {
  store("SM1", "OUI");
  const auto before = keyspace();
  EXPECT_EQ(store("SM1", "OUI").str, "repeated");
  EXPECT_TRUE(changed_keys(before).empty());
}

TEST_P(InboundStore, WithoutAProviderIdEachReplyIsAppended) {
  store("", "OUI");
  store("", "OUI");
  EXPECT_EQ(redis().integer({"XLEN", "q:replies"}), 2);
}
TOCSIN_SCRIPT_CONTRACT(InboundStore);

class AutoAnswer : public ScriptContract {
 protected:
  redis::Reply allowed(const std::vector<std::string>& numbers) {
    std::vector<std::string> counters;
    for (const auto& number : numbers) counters.push_back(auto_answer_key(number));
    return run(lua::auto_answer, counters, {"2", "3600"});
  }
};

TEST_P(AutoAnswer, EachNumberGetsTheLimitPerWindowCounted) {
  const auto before = keyspace();
  auto first = allowed({"+15145550001", "+15145550002"});
  ASSERT_EQ(first.elements.size(), 2u) << first.str;
  EXPECT_EQ(first.elements[0].integer, 1);
  EXPECT_EQ(first.elements[1].integer, 1);
  EXPECT_EQ(changed_keys(before),
            (std::set<std::string>{"reply:auto:{auto}:+15145550001",
                                   "reply:auto:{auto}:+15145550002"}));
  EXPECT_GT(redis().integer({"TTL", "reply:auto:{auto}:+15145550001"}), 3500);
  EXPECT_EQ(allowed({"+15145550001"}).elements.at(0).integer, 1);
  // Over the limit: refused, and still counted (the counter is the number's traffic).
  EXPECT_EQ(allowed({"+15145550001"}).elements.at(0).integer, 0);
  EXPECT_EQ(redis().text({"GET", "reply:auto:{auto}:+15145550001"}), "3");
}
TOCSIN_SCRIPT_CONTRACT(AutoAnswer);

}  // namespace
}  // namespace tocsin::replies
