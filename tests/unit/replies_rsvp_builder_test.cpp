#include "replies/rsvp_builder.h"

#include <gtest/gtest.h>

namespace tocsin::replies {
namespace {

Alert alert_with_points() {
  Alert alert;
  auto* a = alert.add_pickup_points();
  a->set_id("MTL");
  a->set_region("Montréal");
  auto* b = alert.add_pickup_points();
  b->set_id("LON");
  b->set_region("Montérégie");
  auto* c = alert.add_pickup_points();
  c->set_id("MTL2");
  c->set_region("MONTREAL");  // a second point for Montréal: the first listed is theirs
  return alert;
}

const MemberPlace kMontreal{"montreal", "sante", "l-101"};

TEST(RsvpBuilder, PickupByRegionKeepsTheFirstPointOfEachFoldedRegion) {
  const auto pickups = pickup_by_region(alert_with_points());
  EXPECT_EQ(pickups.size(), 2u);
  EXPECT_EQ(pickups.at("montreal"), "MTL");
  EXPECT_EQ(pickups.at("monteregie"), "LON");
}

TEST(RsvpBuilder, AYesGetsItsRegionsPickupPointAndEveryCount) {
  const RsvpChoice choice{"yes", 2, 0, 3, ""};
  const auto record =
      make_record(choice, kMontreal, pickup_by_region(alert_with_points()), 1234, "web");
  EXPECT_EQ(record.answer, "yes");
  EXPECT_EQ(record.bus_seats, 2);
  EXPECT_EQ(record.party, 3);
  EXPECT_EQ(record.pickup, "MTL");
  EXPECT_EQ(record.region, "montreal");
  EXPECT_EQ(record.sector, "sante");
  EXPECT_EQ(record.local, "l-101");
  EXPECT_EQ(record.at_ms, 1234);
  EXPECT_EQ(record.source, "web");
}

TEST(RsvpBuilder, ANamedPickupPointWinsOverTheRegions) {
  const RsvpChoice choice{"yes", 1, 0, 0, "LON"};
  EXPECT_EQ(make_record(choice, kMontreal, pickup_by_region(alert_with_points()), 1, "web").pickup,
            "LON");
}

TEST(RsvpBuilder, ARegionWithoutPointGetsNone) {
  const RsvpChoice choice{"yes", 1, 0, 0, ""};
  const MemberPlace estrie{"estrie", "", ""};
  EXPECT_EQ(make_record(choice, estrie, pickup_by_region(alert_with_points()), 1, "web").pickup,
            "");
}

TEST(RsvpBuilder, NoAndMaybeCarryNoTransportPartyOrPickup) {
  for (const char* answer : {"no", "maybe"}) {
    const RsvpChoice choice{answer, 2, 3, 4, "LON"};
    const auto record =
        make_record(choice, kMontreal, pickup_by_region(alert_with_points()), 1, "coordinator");
    EXPECT_EQ(record.answer, answer);
    EXPECT_EQ(record.bus_seats, 0);
    EXPECT_EQ(record.car_seats, 0);
    EXPECT_EQ(record.party, 0);
    EXPECT_EQ(record.pickup, "");
    EXPECT_EQ(record.region, "montreal");  // still counted in its region
  }
}

TEST(RsvpBuilder, AReadingGivesSeatsOnlyForTheTransportItNames) {
  ReadOptions options;
  options.pickup_ids = {"MTL", "LON"};
  auto choice = choice_of(read_reply("OUI BUS 2 LON", options));
  EXPECT_EQ(choice.answer, "yes");
  EXPECT_EQ(choice.bus_seats, 2);
  EXPECT_EQ(choice.car_seats, 0);
  EXPECT_EQ(choice.pickup, "LON");
  choice = choice_of(read_reply("oui auto 3"));
  EXPECT_EQ(choice.bus_seats, 0);
  EXPECT_EQ(choice.car_seats, 3);
  choice = choice_of(read_reply("Oui, nous serons 4"));
  EXPECT_EQ(choice.party, 4);
  EXPECT_EQ(choice_of(read_reply("peut-être")).answer, "maybe");
}

// The same choice read from an SMS and given by the page makes the same record.
TEST(RsvpBuilder, AnSmsAndTheSameChoiceGivenAsFieldsMakeTheSameRecord) {
  const auto pickups = pickup_by_region(alert_with_points());
  auto sms = make_record(choice_of(read_reply("oui bus 2")), kMontreal, pickups, 5, "sms");
  auto web = make_record(RsvpChoice{"yes", 2, 0, 0, ""}, kMontreal, pickups, 5, "sms");
  EXPECT_EQ(encode(sms), encode(web));
}

}  // namespace
}  // namespace tocsin::replies
