#include "reports/no_shows.h"

#include <gtest/gtest.h>

#include "turnout/reach_count.h"
#include "turnout/rsvp_record.h"

namespace tocsin::reports {
namespace {

std::string rsvp(const std::string& answer, const std::string& region, const std::string& local) {
  replies::RsvpRecord record;
  record.answer = answer;
  record.region = region;
  record.local = local;
  record.at_ms = 1;
  record.source = "sms";
  return replies::encode(record);
}

std::string checked_in(const std::string& how) { return "1700000000000\x1f" + how + "\x1f" + "tok"; }

std::string place(const std::string& region, const std::string& local) {
  return turnout::encode_place({region, "", local, ""});
}

TEST(ReportsNoShows, TheHowOfACheckIn) {
  EXPECT_EQ(present_how(checked_in("scan")), "scan");
  EXPECT_EQ(present_how(checked_in("manual")), "manual");
  EXPECT_EQ(present_how("1\x1fself"), "self");
  EXPECT_EQ(present_how("1\x1fguess\x1f" "x"), "");
  EXPECT_EQ(present_how("garbage"), "");
}

TEST(ReportsNoShows, ANoShowIsAYesWithNoCheckInCountedWhereTheYesCounts) {
  const std::vector<std::pair<std::string, std::string>> rsvps = {
      {"m1", rsvp("yes", "estrie", "l-301")},   // checked in: came
      {"m2", rsvp("yes", "estrie", "l-301")},   // said so by SMS: not a no-show
      {"m3", rsvp("yes", "estrie", "l-301")},   // nothing: a no-show
      {"m4", rsvp("no", "estrie", "l-301")},    // a no is never a no-show
      {"m5", rsvp("yes", "laval", "")},         // a no-show in another region
      {"m6", "not a record"}};
  const Stored present = {{"m1", checked_in("scan")}, {"m2", checked_in("self")}};
  const turnout::RawFields fields = no_show_fields(rsvps, present);
  const turnout::RawFields expected = {{"estrie|all|no_show", 1},
                                       {"estrie|local:l-301|no_show", 1},
                                       {"laval|all|no_show", 1}};
  EXPECT_EQ(fields, expected);
}

TEST(ReportsNoShows, RecountFromStoredRecords) {
  const Stored dims = {{"m1", place("estrie", "l-301")},
                       {"m2", place("estrie", "l-301")},
                       {"m3", place("laval", "")}};
  const Stored delivery = {{"m1:sms", "delivered"}, {"m2:sms", "failed:landline"},
                           {"m3:sms", "sent"}};
  const Stored rsvps = {{"m1", rsvp("yes", "estrie", "l-301")},
                        {"m3", rsvp("yes", "laval", "")}};
  // m2 texted PRÉSENT; m9, outside the audience, was checked in at the door.
  const Stored present = {{"m1", checked_in("manual")},
                          {"m2", checked_in("self")},
                          {"m9", checked_in("scan")}};
  const Stored outside = {{"m9", place("estrie", "")}};
  const turnout::RawFields fields = recount(rsvps, present, dims, delivery, {}, outside);
  EXPECT_EQ(fields.at("estrie|all|targeted"), 2);  // m9 was not targeted
  EXPECT_EQ(fields.at("laval|all|targeted"), 1);
  EXPECT_EQ(fields.at("estrie|all|delivered"), 1);
  EXPECT_EQ(fields.at("estrie|all|failed"), 1);
  EXPECT_EQ(fields.at("laval|all|sent"), 1);
  EXPECT_EQ(fields.at("estrie|all|yes"), 1);
  EXPECT_EQ(fields.at("estrie|all|present"), 2);  // m1 and m9
  EXPECT_EQ(fields.at("estrie|local:l-301|present"), 1);
  EXPECT_EQ(fields.at("estrie|all|present_self"), 1);
  EXPECT_EQ(fields.at("laval|all|no_show"), 1);
  EXPECT_FALSE(fields.contains("estrie|all|no_show"));
}

}  // namespace
}  // namespace tocsin::reports
