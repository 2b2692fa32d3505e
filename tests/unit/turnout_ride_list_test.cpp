#include "turnout/ride_list.h"

#include <gtest/gtest.h>

#include "turnout/rsvp_record.h"

namespace tocsin::turnout {
namespace {

std::string record(std::string answer, std::string region, int bus, int car, int party,
                   std::string pickup = "") {
  replies::RsvpRecord r;
  r.answer = std::move(answer);
  r.region = std::move(region);
  r.bus_seats = bus;
  r.car_seats = car;
  r.party = party;
  r.pickup = std::move(pickup);
  r.at_ms = 1763831234567;
  return replies::encode(r);
}

TEST(TurnoutRideList, OnlyTheRegionsYesWithSeats) {
  const std::vector<std::pair<std::string, std::string>> stored = {
      {"m4", record("yes", "monteregie", 0, 3, 2)},
      {"m1", record("yes", "monteregie", 2, 0, 2, "LON")},
      {"m2", record("yes", "estrie", 1, 0, 1, "SHE")},      // another region
      {"m3", record("no", "monteregie", 0, 0, 0)},          // not a yes
      {"m5", record("yes", "monteregie", 0, 0, 1)},         // no seats
      {"m6", record("yes", "monteregie", 1, 2, 0, "LON")},  // both: two rows
      {"m7", "garbage"}};
  const auto rides = rides_of(stored, "monteregie");
  ASSERT_EQ(rides.size(), 4u);
  EXPECT_EQ(rides[0].kind, "bus");
  EXPECT_EQ(rides[0].member_id, "m1");
  EXPECT_EQ(rides[0].seats, 2);
  EXPECT_EQ(rides[1].member_id, "m6");
  EXPECT_EQ(rides[1].party, 1) << "an unsaid party is the member alone";
  EXPECT_EQ(rides[2].kind, "car");
  EXPECT_EQ(rides[2].member_id, "m4");
  EXPECT_EQ(rides[2].seats, 3);
  EXPECT_EQ(rides[3].member_id, "m6");
}

TEST(TurnoutRideList, CsvHasTheHeaderNamesPhonesAndPickupNames) {
  Alert alert;
  PickupPoint* point = alert.add_pickup_points();
  point->set_id("LON");
  point->set_name("Terminus Longueuil, quai 12");
  const std::vector<Ride> rides = {{"bus", "LON", "m1", 2, 2, 1763831234567},
                                   {"car", "", "m4", 3, 1, 1763831234567}};
  const std::map<std::string, Rider> riders = {{"m1", {"Marie-Ève", "D'Amour", "+18195551234"}},
                                               {"m4", {"=HYPERLINK(1)", "Roy", "+15145550000"}}};
  EXPECT_EQ(rides_csv(rides, riders, alert),
            "kind,pickup_id,pickup_name,member_id,first_name,last_name,phone,seats,party,"
            "answered_at\r\n"
            "bus,LON,\"Terminus Longueuil, quai 12\",m1,Marie-Ève,D'Amour,+18195551234,2,2,"
            "2025-11-22T17:07:14Z\r\n"
            "car,,,m4,'=HYPERLINK(1),Roy,+15145550000,3,1,2025-11-22T17:07:14Z\r\n");
}

TEST(TurnoutRideList, CsvFieldQuotesWhatNeedsIt) {
  EXPECT_EQ(csv_field("plain"), "plain");
  EXPECT_EQ(csv_field("a \"b\""), "\"a \"\"b\"\"\"");
  EXPECT_EQ(csv_field("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(csv_field("+1819", false), "+1819");
  EXPECT_EQ(csv_field("@cmd"), "'@cmd");
}

}  // namespace
}  // namespace tocsin::turnout
