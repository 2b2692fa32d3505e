#include "auth/region_scope.h"

#include <gtest/gtest.h>

namespace tocsin::auth {
namespace {

TEST(RegionScope, OfficersSeeEveryRegion) {
  for (Role role : {Role::admin, Role::executive}) {
    Principal principal{.name = "x", .token_id = "", .role = role, .regions = {}};
    EXPECT_TRUE(sees_region(principal, "estrie"));
    EXPECT_TRUE(sees_region(principal, ""));
  }
}

TEST(RegionScope, ACoordinatorSeesOnlyTheirRegionsFolded) {
  Principal coordinator{
      .name = "c", .token_id = "", .role = Role::coordinator, .regions = {"Montérégie", "ESTRIE"}};
  EXPECT_TRUE(sees_region(coordinator, "monteregie"));
  EXPECT_TRUE(sees_region(coordinator, "estrie"));
  EXPECT_FALSE(sees_region(coordinator, "montreal"));
  EXPECT_FALSE(sees_region(coordinator, ""));
  EXPECT_FALSE(sees_region(coordinator, "monteregie-est"));
}

}  // namespace
}  // namespace tocsin::auth
