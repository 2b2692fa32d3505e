// The choice of the alerts a reply may answer (replies/reply_matcher.h), apart from Redis.

#include "replies/reply_matcher.h"

#include <gtest/gtest.h>

namespace tocsin::replies {
namespace {

std::vector<std::string> ids_of(const std::vector<OpenAlert>& open) {
  std::vector<std::string> out;
  for (const auto& alert : open) out.push_back(alert.id + ">" + alert.target);
  return out;
}

TEST(OpenAlerts, SendingOrSentMostRecentlySentFirst) {
  const std::map<std::string, AlertStanding> standings{{"a1", {"sent", 100, ""}},
                                                       {"a2", {"sending", 300, ""}},
                                                       {"a3", {"closed", 400, ""}},
                                                       {"a4", {"draft", 0, ""}},
                                                       {"a5", {"sent", 200, ""}}};
  EXPECT_EQ(ids_of(open_alerts({"a5", "a4", "a3", "a2", "a1"}, standings)),
            (std::vector<std::string>{"a2>a2", "a5>a5", "a1>a1"}));
}

TEST(OpenAlerts, AChildAnswersForItsParentOnlyWhileTheParentIsOpen) {
  std::map<std::string, AlertStanding> standings{{"p", {"sent", 100, ""}},
                                                 {"w", {"sending", 200, "p"}}};
  EXPECT_EQ(ids_of(open_alerts({"w"}, standings)), std::vector<std::string>{"w>p"});
  standings["p"].state = "closed";
  EXPECT_TRUE(open_alerts({"w"}, standings).empty());
  // A parent not read (gone) is not open either.
  standings.erase("p");
  EXPECT_TRUE(open_alerts({"w"}, standings).empty());
}

TEST(OpenAlerts, AnIndexEntryNamingNoAlertIsSkipped) {
  EXPECT_TRUE(open_alerts({"ghost"}, {}).empty());
}

TEST(Candidates, AQuotedCodeKeepsOnlyItsAlertAndItsChildren) {
  const std::vector<OpenAlert> open{{"w", "p", 300}, {"q", "q", 200}, {"p", "p", 100}};
  const auto ids = [](const std::vector<const OpenAlert*>& list) {
    std::vector<std::string> out;
    for (const auto* alert : list) out.push_back(alert->id);
    return out;
  };
  EXPECT_EQ(ids(candidates(open, false, "")), (std::vector<std::string>{"w", "q", "p"}));
  EXPECT_EQ(ids(candidates(open, true, "p")), (std::vector<std::string>{"w", "p"}));
  EXPECT_TRUE(candidates(open, true, "").empty());  // a code that names no alert
}

}  // namespace
}  // namespace tocsin::replies
