#include "turnout/reach_count.h"

#include <gtest/gtest.h>

namespace tocsin::turnout {
namespace {

TEST(TurnoutReachCount, BestStateOfTwoChannels) {
  EXPECT_EQ(best_state("failed:landline", "sent"), "sent") << "the email went";
  EXPECT_EQ(best_state("delivered", "sent"), "delivered");
  EXPECT_EQ(best_state("sent", "delivered"), "delivered");
  EXPECT_EQ(best_state("skipped:shared", "opted_out"), "opted_out");
  EXPECT_EQ(best_state("expired", "opted_out"), "expired");
  EXPECT_EQ(best_state("failed:x", "expired"), "failed");
  EXPECT_EQ(best_state("retrying", ""), "") << "retrying is still pending";
  EXPECT_EQ(best_state("cancelled", ""), "");
  EXPECT_EQ(best_state("retrying", "skipped:shared"), "skipped");
}

TEST(TurnoutReachCount, PlaceNamesTheFieldsOfItsDimensionsAndRoundTrips) {
  const Place place{"monteregie", "sante", "l-301", "infirmiere"};
  EXPECT_EQ(field_prefixes(place),
            (std::vector<std::string>{"monteregie|all|", "monteregie|sector:sante|",
                                      "monteregie|local:l-301|", "monteregie|title:infirmiere|"}));
  EXPECT_EQ(encode_place(place),
            "monteregie|all|\x1fmonteregie|sector:sante|\x1fmonteregie|local:l-301|"
            "\x1fmonteregie|title:infirmiere|");
  EXPECT_EQ(decode_place(encode_place(place)), field_prefixes(place));
  EXPECT_EQ(field_prefixes(Place{"", "", "a|b", ""}),
            (std::vector<std::string>{"-|all|", "-|local:a/b|"}));
}

TEST(TurnoutReachCount, RecountCountsEachMemberOnceAtTheirBest) {
  const std::map<std::string, std::string> dims = {
      {"m1", encode_place({"estrie", "", "", ""})},
      {"m2", encode_place({"estrie", "", "", ""})},
      {"m3", encode_place({"estrie", "", "", ""})},
      {"m4", encode_place({"monteregie", "sante", "", ""})}};
  const std::map<std::string, std::string> delivery = {{"m1:sms", "failed:landline"},
                                                       {"m1:email", "sent"},
                                                       {"m2:sms", "delivered"},
                                                       {"m3:sms", "retrying"}};
  const auto reach = recount_reach(delivery, dims, {"m4"});
  EXPECT_EQ(reach, (RawFields{{"estrie|all|targeted", 3},
                              {"estrie|all|sent", 1},
                              {"estrie|all|delivered", 1},
                              {"monteregie|all|targeted", 1},
                              {"monteregie|all|skipped", 1},
                              {"monteregie|sector:sante|targeted", 1},
                              {"monteregie|sector:sante|skipped", 1}}));
}

}  // namespace
}  // namespace tocsin::turnout
