// The contract of the match script (daemon/replies/match_replies.lua): which alert and
// member each reply of a batch answers. It only reads.

#include <gtest/gtest.h>

#include "replies/match_replies.lua.h"
#include "replies/reply_scripts.h"
#include "tests/support/script_contract.h"

namespace tocsin::replies {
namespace {

using testing::ScriptContract;

constexpr const char* kAna = "+15145550001";
constexpr const char* kBen = "+15145550002";

class MatchReplies : public ScriptContract {
 protected:
  void SetUp() override {
    ScriptContract::SetUp();
    // a1 sent to Ana; a2, a wave of a1, to Ben; a3 closed, to Ana as well.
    redis().command({"ZADD", "alerts", "1", "a1", "2", "a2", "3", "a3"});
    redis().command({"HSET", "alert:{a1}", "state", "sent", "sending_at_ms", "100"});
    redis().command({"HSET", "alert:{a1}:to", kAna, "m1"});
    redis().command(
        {"HSET", "alert:{a2}", "state", "sending", "sending_at_ms", "200", "parent", "a1"});
    redis().command({"HSET", "alert:{a2}:to", kBen, "m2"});
    redis().command({"HSET", "alert:{a3}", "state", "closed", "sending_at_ms", "300"});
    redis().command({"HSET", "alert:{a3}:to", kAna, "m1"});
    redis().command({"SET", "alert:code:A7", "a1"});
    redis().command({"HSET", "member:m1:idx", "region", "est", "sector", "sante", "local", "L1",
                     "language", "fr", "title", "inf"});
    redis().command({"HSET", "member:m2:idx", "region", "laval"});
  }
  // Per reply its sender and quoted code; returns each match's fields joined by ','.
  std::vector<std::string> match(const std::vector<std::pair<std::string, std::string>>& replies) {
    std::vector<std::string> codes, args;
    for (const auto& [number, code] : replies) {
      args.insert(args.end(), {number, code});
      codes.push_back(code);
    }
    const auto before = keyspace();
    auto reply = run(lua::match_replies, match_replies_keys(codes), args);
    EXPECT_TRUE(changed_keys(before).empty()) << "the match only reads";
    std::vector<std::string> out;
    for (const auto& found : reply.elements) {
      std::string joined;
      for (size_t i = 0; i < found.elements.size(); ++i) {
        joined += (i == 0 ? "" : ",") + found.elements[i].str;
      }
      if (joined == ",,,,,,") joined = "none";
      out.push_back(joined);
    }
    EXPECT_EQ(out.size(), replies.size()) << reply.str;
    return out;
  }
};

TEST_P(MatchReplies, EachReplyFindsItsOpenAlertMemberAndPlace) {
  EXPECT_EQ(match({{kAna, ""}, {kBen, ""}, {"+15145559999", ""}}),
            (std::vector<std::string>{"a1,m1,est,sante,L1,fr,inf",
                                      // a wave's reply answers its parent
                                      "a1,m2,laval,,,,", "none"}));
}

TEST_P(MatchReplies, AQuotedCodeChoosesItsAlertOverAMoreRecentOne) {
  redis().command({"ZADD", "alerts", "4", "a4"});
  redis().command({"HSET", "alert:{a4}", "state", "sent", "sending_at_ms", "400"});
  redis().command({"HSET", "alert:{a4}:to", kAna, "m1"});
  EXPECT_EQ(
      match({{kAna, ""}, {kAna, "A7"}, {kAna, "ZZ"}}),
      (std::vector<std::string>{"a4,m1,est,sante,L1,fr,inf", "a1,m1,est,sante,L1,fr,inf", "none"}));
}

TEST_P(MatchReplies, AWaveOfAClosedAlertTakesNoAnswer) {
  redis().command({"HSET", "alert:{a1}", "state", "closed"});
  EXPECT_EQ(match({{kAna, ""}, {kBen, ""}}), (std::vector<std::string>{"none", "none"}));
}
// Cross-slot by design today: it reads the alerts' index, then each listed alert's hash and
// recipients, and the matched member's index: keys known only from the data it reads.
TOCSIN_SCRIPT_CONTRACT_STANDALONE_ONLY(MatchReplies);

}  // namespace
}  // namespace tocsin::replies
