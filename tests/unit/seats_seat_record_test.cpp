#include "seats/seat_record.h"

#include <gtest/gtest.h>

namespace tocsin::seats {
namespace {

TEST(SeatRecord, DecodesASeatAndAWaitingPlaceAndRefusesWhatIsNotOne) {
  auto seat = decode_seat("P\x1f" "2\x1f" "3\x1f" "1700\x1f" "1");
  ASSERT_TRUE(seat);
  EXPECT_EQ(seat->pickup, "P");
  EXPECT_EQ(seat->bus, 2);
  EXPECT_EQ(seat->seats, 3);
  EXPECT_EQ(seat->at_ms, 1700);
  EXPECT_TRUE(seat->confirmed);
  EXPECT_FALSE(decode_seat("P\x1f" "2\x1f" "3\x1f" "1700"));
  EXPECT_FALSE(decode_seat("P\x1f" "x\x1f" "3\x1f" "1700\x1f" "1"));
  EXPECT_FALSE(decode_seat("P\x1f" "2\x1f" "3\x1f" "1700\x1f" "yes"));

  auto place = decode_waiting("BUS MTL\x1f" "1\x1f" "1800\x1f" "42");
  ASSERT_TRUE(place);
  EXPECT_EQ(place->pickup, "BUS MTL");
  EXPECT_EQ(place->sequence, 42);
  EXPECT_FALSE(decode_waiting("\x1f" "1\x1f" "1800\x1f" "42"));
}

TEST(SeatRecord, RecountsSeatsAtEachPlaceAndPickupPointAndTheLoadOfEachBus) {
  const std::map<std::string, std::string> places{
      {"m1", "est|all|\x1f" "est|sector:sante|"}, {"m2", "est|all|"}, {"m3", "nord|all|"}};
  size_t unreadable = 0;
  const auto counts = recount(
      {{"m1", "P\x1f" "1\x1f" "2\x1f" "1\x1f" "1"}, {"m2", "P\x1f" "2\x1f" "1\x1f" "1\x1f" "0"},
       {"bad", "nonsense"}},
      {{"m3", "P\x1f" "1\x1f" "1\x1f" "7"}}, places, &unreadable);
  EXPECT_EQ(unreadable, 1u);
  EXPECT_EQ(counts.day, (std::map<std::string, int64_t>{{"est|all|seated", 3},
                                                        {"est|sector:sante|seated", 2},
                                                        {"est|pickup:P|seated", 3},
                                                        {"nord|all|waitlisted", 1},
                                                        {"nord|pickup:P|waitlisted", 1}}));
  EXPECT_EQ(counts.load, (std::map<std::string, int64_t>{{"P\x1f" "1", 2}, {"P\x1f" "2", 1}}));
}

}  // namespace
}  // namespace tocsin::seats
