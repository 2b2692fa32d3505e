#include "rides/ride_candidates.h"

#include <gtest/gtest.h>

#include "rides/ride_record.h"
#include "turnout/rsvp_record.h"

namespace tocsin::rides {
namespace {

std::string rsvp(std::string region, int bus, int car, int party, std::string pickup,
                 int64_t at_ms = 1000, std::string answer = "yes") {
  replies::RsvpRecord r;
  r.answer = std::move(answer);
  r.region = std::move(region);
  r.bus_seats = bus;
  r.car_seats = car;
  r.party = party;
  r.pickup = std::move(pickup);
  r.local = "L-1";
  r.at_ms = at_ms;
  return replies::encode(r);
}

Alert alert_with_points() {
  Alert alert;
  auto* seated = alert.add_pickup_points();  // seats allocated
  seated->set_id("LON");
  seated->set_region("Montérégie");
  seated->set_buses(1);
  seated->set_seats_per_bus(2);
  auto* none = alert.add_pickup_points();  // no bus hired, no capacity known
  none->set_id("VIL");
  none->set_region("Montérégie");
  auto* counted = alert.add_pickup_points();  // a capacity, counted as promises
  counted->set_id("CAP");
  counted->set_region("Montérégie");
  counted->set_bus_capacity(50);
  return alert;
}

TEST(RidesCandidates, DriversAndTheRidersWhoNeedARideInTheRegion) {
  RideFacts facts;
  facts.rsvps = {{"d1", rsvp("monteregie", 0, 3, 1, "LON")},
                 {"d9", rsvp("estrie", 0, 3, 1, "SHE")},         // another region
                 {"s1", rsvp("monteregie", 1, 0, 1, "LON")},     // seated
                 {"w1", rsvp("monteregie", 2, 0, 2, "LON", 5)},  // waitlisted
                 {"w2", rsvp("monteregie", 1, 0, 1, "LON", 1)},  // waitlisted, arrived first
                 {"v1", rsvp("monteregie", 1, 0, 1, "VIL", 2)},  // no bus runs
                 {"n1", rsvp("monteregie", 1, 0, 1, "", 3)},     // no pickup point
                 {"c1", rsvp("monteregie", 1, 0, 1, "CAP")},     // a bus runs (promises)
                 {"x1", rsvp("monteregie", 1, 0, 1, "LON", 4, "no")},
                 {"m1", rsvp("monteregie", 1, 0, 1, "VIL")}};  // already in a match
  facts.seated = {"s1"};
  facts.waiting = parse_waiting({{"w1",
                                  "LON\x1f"
                                  "2\x1f"
                                  "5\x1f"
                                  "7"},
                                 {"w2",
                                  "LON\x1f"
                                  "1\x1f"
                                  "1\x1f"
                                  "3"},
                                 {"bad",
                                  "LON\x1f"
                                  "x"}});
  ASSERT_EQ(facts.waiting.size(), 2u);
  facts.matches["R1"] = {"d1", {"m1"}, 1, "monteregie", 10, "coord"};
  facts.matches["R2"] = {"d9", {"z"}, 1, "estrie", 10, "coord"};

  const auto rides = region_rides(facts, alert_with_points(), "monteregie");
  ASSERT_EQ(rides.drivers.size(), 1u);
  EXPECT_EQ(rides.drivers[0].member_id, "d1");
  EXPECT_EQ(rides.drivers[0].seats, 3);
  EXPECT_EQ(rides.drivers[0].seats_left, 2) << "m1 rides with d1 already";
  std::vector<std::string> order;
  for (const auto& rider : rides.riders) order.push_back(rider.member_id + ":" + rider.need);
  EXPECT_EQ(order, (std::vector<std::string>{"w2:waitlisted", "w1:waitlisted", "v1:no_bus",
                                             "n1:no_pickup"}));
  EXPECT_EQ(rides.riders[1].seats, 2);
  EXPECT_EQ(rides.riders[1].party, 2);
  ASSERT_EQ(rides.matches.size(), 1u);
  EXPECT_EQ(rides.matches[0].first, "R1");

  EXPECT_EQ(regions_with_rides(facts, alert_with_points()),
            (std::set<std::string>{"estrie", "monteregie"}));

  // The unreachable are never proposed.
  const auto proposals = propose_for(rides, {"d1", "w2", "v1", "n1"});
  ASSERT_EQ(proposals.size(), 1u);
  EXPECT_EQ(proposals[0].riders, (std::vector<std::string>{"w2", "v1"}));
}

TEST(RidesRecord, RoundTripsAndRefusesWhatDoesNotRead) {
  const MatchRecord record{"d1", {"r1", "r2"}, 3, "monteregie", 1763831234567, "Jeanne"};
  const auto decoded = decode(encode(record));
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->driver, "d1");
  EXPECT_EQ(decoded->riders, (std::vector<std::string>{"r1", "r2"}));
  EXPECT_EQ(decoded->seats, 3);
  EXPECT_EQ(decoded->region, "monteregie");
  EXPECT_EQ(decoded->at_ms, 1763831234567);
  EXPECT_EQ(decoded->by, "Jeanne");
  EXPECT_FALSE(decode(""));
  EXPECT_FALSE(
      decode("d1\x1f\x1f"
             "3\x1fm\x1f"
             "1\x1f"
             "by"));  // no rider
  EXPECT_FALSE(
      decode("d1\x1fr1\x1fthree\x1fm\x1f"
             "1\x1f"
             "by"));
}

}  // namespace
}  // namespace tocsin::rides
