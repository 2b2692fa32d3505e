#include "util/did_you_mean.h"

#include <gtest/gtest.h>

namespace tocsin {
namespace {

TEST(DidYouMean, EditDistanceCountsInsertDeleteReplaceAndSwapIgnoringCase) {
  EXPECT_EQ(edit_distance("listen", "listen"), 0u);
  EXPECT_EQ(edit_distance("listn", "listen"), 1u);   // a letter left out
  EXPECT_EQ(edit_distance("lsiten", "listen"), 1u);  // two letters swapped
  EXPECT_EQ(edit_distance("BANER_DROP", "BANNER_DROP"), 1u);
  EXPECT_EQ(edit_distance("banner_drop", "BANNER_DROP"), 0u);
  EXPECT_EQ(edit_distance("", "abc"), 3u);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
}

TEST(DidYouMean, OffersTheClosestNameOnlyWhenItIsProbablyMeant) {
  const std::vector<std::string> kinds = {"SPECIAL_LAW_THREAT", "EMERGENCY_ASSEMBLY", "BANNER_DROP",
                                          "STRIKE_VOTE", "INFORMATION"};
  EXPECT_EQ(closest_name("BANER_DROP", kinds), "BANNER_DROP");
  EXPECT_EQ(closest_name("information", kinds), "INFORMATION");
  EXPECT_EQ(closest_name("STRIKE", kinds), std::nullopt);        // 5 edits: a guess, not a typo
  EXPECT_EQ(closest_name("url", {"uri", "urn"}), std::nullopt);  // a tie: no guess
  EXPECT_EQ(closest_name("x", {}), std::nullopt);
}

}  // namespace
}  // namespace tocsin
