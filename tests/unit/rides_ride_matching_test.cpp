#include "rides/ride_matching.h"

#include <gtest/gtest.h>

namespace tocsin::rides {
namespace {

using Riders = std::vector<std::string>;

TEST(RidesMatching, SamePickupPointFirstThenSameLocal) {
  const std::vector<DriverSeats> drivers = {{"d1", "LON", "L-301", 3}, {"d2", "SHE", "L-999", 2}};
  const std::vector<RiderNeed> riders = {
      {"r1", "SHE", "L-301", 1},  // same local as d1, same pickup as d2: the pickup wins
      {"r2", "LON", "L-777", 2},  // same pickup as d1
      {"r3", "", "L-999", 1},     // no pickup point: by local, d2
  };
  const auto proposals = propose(drivers, riders);
  ASSERT_EQ(proposals.size(), 2u);
  EXPECT_EQ(proposals[0].driver, "d1");
  EXPECT_EQ(proposals[0].riders, (Riders{"r2"}));
  EXPECT_EQ(proposals[0].seats, 2);
  EXPECT_EQ(proposals[0].by, "pickup");
  EXPECT_EQ(proposals[1].driver, "d2");
  EXPECT_EQ(proposals[1].riders, (Riders{"r1", "r3"}));
  EXPECT_EQ(proposals[1].seats, 2);
  EXPECT_EQ(proposals[1].by, "pickup");
}

TEST(RidesMatching, PartySizesCountAgainstTheSeatsLeft) {
  const std::vector<DriverSeats> drivers = {{"d1", "LON", "", 3}};
  const std::vector<RiderNeed> riders = {
      {"r1", "LON", "", 2}, {"r2", "LON", "", 2}, {"r3", "LON", "", 1}};
  const auto proposals = propose(drivers, riders);
  ASSERT_EQ(proposals.size(), 1u);
  EXPECT_EQ(proposals[0].riders, (Riders{"r1", "r3"})) << "r2's party of 2 no longer fits";
  EXPECT_EQ(proposals[0].seats, 3);
}

TEST(RidesMatching, AFullCarIsNeverProposedAndNobodyIsGuessed) {
  const std::vector<DriverSeats> drivers = {{"full", "LON", "L1", 0}, {"d2", "SHE", "L2", 4}};
  const std::vector<RiderNeed> riders = {
      {"r1", "LON", "L1", 1},  // only the full car shares a place with them
      {"r2", "", "", 1},       // no pickup, no local: nothing to match on
      {"r3", "SHE", "L2", 5},  // more than any car holds
  };
  EXPECT_TRUE(propose(drivers, riders).empty());
}

TEST(RidesMatching, CarsFillUpBeforeAnotherIsStarted) {
  const std::vector<DriverSeats> drivers = {{"d1", "LON", "", 4}, {"d2", "LON", "", 2}};
  const std::vector<RiderNeed> riders = {
      {"r1", "LON", "", 1}, {"r2", "LON", "", 1}, {"r3", "LON", "", 2}};
  const auto proposals = propose(drivers, riders);
  // r1 goes to d2 (fewest seats left that fit), r2 fills d2, r3 takes d1.
  ASSERT_EQ(proposals.size(), 2u);
  EXPECT_EQ(proposals[0].driver, "d1");
  EXPECT_EQ(proposals[0].riders, (Riders{"r3"}));
  EXPECT_EQ(proposals[1].driver, "d2");
  EXPECT_EQ(proposals[1].riders, (Riders{"r1", "r2"}));
}

TEST(RidesMatching, ByLocalNeverTakesASeatAPickupRiderNeeds) {
  // r1 (earlier) shares only a local with d1; r2 shares its pickup point. d1 has one seat:
  // it goes to r2, matched by pickup point in the first pass.
  const std::vector<DriverSeats> drivers = {{"d1", "LON", "L1", 1}};
  const std::vector<RiderNeed> riders = {{"r1", "SHE", "L1", 1}, {"r2", "LON", "L9", 1}};
  const auto proposals = propose(drivers, riders);
  ASSERT_EQ(proposals.size(), 1u);
  EXPECT_EQ(proposals[0].riders, (Riders{"r2"}));
}

}  // namespace
}  // namespace tocsin::rides
