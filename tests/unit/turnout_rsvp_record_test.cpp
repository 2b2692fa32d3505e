#include "turnout/rsvp_record.h"

#include <gtest/gtest.h>

namespace tocsin::replies {
namespace {

RsvpRecord yes_by_bus() {
  RsvpRecord record;
  record.answer = "yes";
  record.bus_seats = 2;
  record.party = 2;
  record.pickup = "MTL";
  record.region = "montreal";
  record.sector = "sante";
  record.local = "1234";
  record.title = "infirmiere";
  record.at_ms = 1700000000123;
  record.source = "sms";
  return record;
}

TEST(RepliesRsvpRecord, EncodesAndDecodesEveryField) {
  const RsvpRecord record = yes_by_bus();
  const auto decoded = decode(encode(record));
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->answer, "yes");
  EXPECT_EQ(decoded->bus_seats, 2);
  EXPECT_EQ(decoded->car_seats, 0);
  EXPECT_EQ(decoded->party, 2);
  EXPECT_EQ(decoded->pickup, "MTL");
  EXPECT_EQ(decoded->region, "montreal");
  EXPECT_EQ(decoded->sector, "sante");
  EXPECT_EQ(decoded->local, "1234");
  EXPECT_EQ(decoded->title, "infirmiere");
  EXPECT_EQ(decoded->at_ms, 1700000000123);
  EXPECT_EQ(decoded->source, "sms");
}

TEST(RepliesRsvpRecord, EmptyFieldsSurvive) {
  RsvpRecord record;
  record.answer = "no";
  const auto decoded = decode(encode(record));
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->answer, "no");
  EXPECT_EQ(decoded->pickup, "");
  EXPECT_EQ(decoded->source, "");
}

TEST(RepliesRsvpRecord, RefusesWhatItDidNotWrite) {
  EXPECT_FALSE(decode(""));
  EXPECT_FALSE(decode("yes"));
  std::string text = encode(yes_by_bus());
  EXPECT_FALSE(decode(text + "\x1f" + "extra"));
  text.replace(0, 3, "oui");
  EXPECT_FALSE(decode(text)) << "unknown answer";
  RsvpRecord bad = yes_by_bus();
  bad.region = "x";
  std::string seats = encode(bad);
  seats.replace(seats.find("\x1f" "2"), 2, "\x1f" "z");
  EXPECT_FALSE(decode(seats)) << "seats not a number";
}

TEST(RepliesRsvpRecord, RecordsStoredBeforeJobTitlesStillDecode) {
  const auto decoded = decode("yes\x1f" "1\x1f" "0\x1f" "2\x1f" "MTL\x1f" "montreal\x1f"
                              "sante\x1f" "1234\x1f" "1700000000123\x1f" "sms");
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->local, "1234");
  EXPECT_EQ(decoded->title, "");
  EXPECT_EQ(decoded->at_ms, 1700000000123);
  EXPECT_EQ(decoded->source, "sms");
}

TEST(RepliesRsvpRecord, AYesCountsPeopleAndSeatsInEveryDimensionOfItsRegion) {
  const auto tally = recount({encode(yes_by_bus())});
  for (const std::string dimension :
       {"montreal|all", "montreal|sector:sante", "montreal|local:1234", "montreal|title:infirmiere"}) {
    SCOPED_TRACE(dimension);
    EXPECT_EQ(tally.at(dimension + "|yes"), 1);
    EXPECT_EQ(tally.at(dimension + "|coming"), 2);
    EXPECT_EQ(tally.at(dimension + "|bus"), 2);
    EXPECT_FALSE(tally.contains(dimension + "|car")) << "zero fields are left out";
  }
  EXPECT_EQ(tally.at("montreal|pickup:MTL|yes"), 1);
  EXPECT_EQ(tally.at("montreal|pickup:MTL|coming"), 2);
  EXPECT_EQ(tally.at("montreal|pickup:MTL|bus"), 2);
  EXPECT_EQ(tally.size(), 15u) << "nothing else: no region-less field, no car seats";
}

TEST(RepliesRsvpRecord, AMemberWithoutRegionOrSectorCountsUnderDashAndAllOnly) {
  RsvpRecord record;
  record.answer = "maybe";
  const auto tally = recount({encode(record)});
  EXPECT_EQ(tally, (std::map<std::string, int64_t>{{"-|all|maybe", 1}}));
}

TEST(RepliesRsvpRecord, CarSeatsOfferedCountOutsidePickupPoints) {
  RsvpRecord record = yes_by_bus();
  record.car_seats = 3;
  const auto tally = recount({encode(record)});
  EXPECT_EQ(tally.at("montreal|all|car"), 3);
  EXPECT_FALSE(tally.contains("montreal|pickup:MTL|car"));
}

TEST(RepliesRsvpRecord, UnclearRepliesCountWhereTheirMemberCounts) {
  const std::string place = "estrie|all|\x1f" "estrie|sector:education|";
  const auto tally = recount({encode(yes_by_bus())}, nullptr, {place, place});
  EXPECT_EQ(tally.at("estrie|all|unknown"), 2);
  EXPECT_EQ(tally.at("estrie|sector:education|unknown"), 2);
  EXPECT_FALSE(tally.contains("estrie|local:|unknown"));
  EXPECT_EQ(tally.at("montreal|all|yes"), 1);
  std::map<std::string, int64_t> moved = tally;
  add_unknown_to_tally(place, -1, moved);
  EXPECT_EQ(moved.at("estrie|all|unknown"), 1);
}

TEST(RepliesRsvpRecord, ANoCountsOnlyItselfAndAYesWithoutPartyIsOnePerson) {
  RsvpRecord no = yes_by_bus();
  no.answer = "no";
  no.pickup = "";
  RsvpRecord alone = yes_by_bus();
  alone.party = 0;
  alone.bus_seats = 0;
  alone.car_seats = 3;
  const auto tally = recount({encode(no), encode(alone)});
  EXPECT_EQ(tally.at("montreal|all|no"), 1);
  EXPECT_EQ(tally.at("montreal|all|yes"), 1);
  EXPECT_EQ(tally.at("montreal|all|coming"), 1);
  EXPECT_EQ(tally.at("montreal|all|car"), 3);
  EXPECT_FALSE(tally.contains("montreal|pickup:|no"));
  EXPECT_FALSE(tally.contains("montreal|pickup:MTL|no"));
}

TEST(RepliesRsvpRecord, ReplacingARecordMovesTheTallyByTheDifference) {
  std::map<std::string, int64_t> tally;
  RsvpRecord record = yes_by_bus();
  add_to_tally(record, +1, tally);
  RsvpRecord changed = record;
  changed.answer = "maybe";
  add_to_tally(record, -1, tally);
  add_to_tally(changed, +1, tally);
  std::erase_if(tally, [](const auto& entry) { return entry.second == 0; });
  EXPECT_EQ(tally, recount({encode(changed)}));
}

TEST(RepliesRsvpRecord, UnreadableRecordsAreCounted) {
  size_t unreadable = 0;
  const auto tally = recount({"garbage", encode(yes_by_bus())}, &unreadable);
  EXPECT_EQ(unreadable, 1u);
  EXPECT_EQ(tally.at("montreal|all|yes"), 1);
}

}  // namespace
}  // namespace tocsin::replies
