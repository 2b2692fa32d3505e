#include "replies/unknown_replies.h"

#include <gtest/gtest.h>

namespace tocsin::replies {
namespace {

TEST(UnknownReplyValue, ReadsTimeAndText) {
  auto value = parse_unknown_value("1700000000123|c'est où? | ici");
  ASSERT_TRUE(value);
  EXPECT_EQ(value->first, 1700000000123);
  EXPECT_EQ(value->second, "c'est où? | ici");
  value = parse_unknown_value("5|");
  ASSERT_TRUE(value);
  EXPECT_EQ(value->second, "");
  EXPECT_FALSE(parse_unknown_value(""));
  EXPECT_FALSE(parse_unknown_value("|text"));
  EXPECT_FALSE(parse_unknown_value("12a|text"));
  EXPECT_FALSE(parse_unknown_value("no bar"));
}

}  // namespace
}  // namespace tocsin::replies
