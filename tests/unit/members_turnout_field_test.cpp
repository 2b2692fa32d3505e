#include "members/turnout_field.h"

#include <gtest/gtest.h>

namespace tocsin::turnout {
namespace {

TEST(TurnoutField, NameIsRegionDimensionMeasure) {
  EXPECT_EQ(field_name("monteregie", "local:l-301", "yes"), "monteregie|local:l-301|yes");
}

TEST(TurnoutField, MemberWithoutRegionGetsDash) {
  EXPECT_EQ(field_name("", "all", "targeted"), "-|all|targeted");
}

TEST(TurnoutField, PipeInAValueCannotSplitTheName) {
  const std::string name = field_name("a|b", "all", "yes");
  EXPECT_EQ(name, "a/b|all|yes");
  ASSERT_TRUE(parse_field(name));
  EXPECT_EQ(parse_field(name)->region, "a/b");
}

TEST(TurnoutField, ParsesItsOwnNames) {
  auto name = parse_field("estrie|pickup:BUS-SHE|bus");
  ASSERT_TRUE(name);
  EXPECT_EQ(name->region, "estrie");
  EXPECT_EQ(name->dimension, "pickup:BUS-SHE");
  EXPECT_EQ(name->measure, "bus");
}

TEST(TurnoutField, RejectsMalformedNames) {
  EXPECT_FALSE(parse_field("all|yes"));
  EXPECT_FALSE(parse_field("a|b|c|d"));
  EXPECT_FALSE(parse_field("|all|yes"));
  EXPECT_FALSE(parse_field("r||yes"));
  EXPECT_FALSE(parse_field("r|all|"));
}

}  // namespace
}  // namespace tocsin::turnout
