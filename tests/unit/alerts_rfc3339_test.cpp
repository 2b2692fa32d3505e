// The strict RFC 3339 reader for alert times: accepted forms, offsets, and every malformed
// input an officer might type.

#include "alerts/rfc3339.h"

#include <gtest/gtest.h>

#include <chrono>

namespace tocsin::alerts {
namespace {

using namespace std::chrono;

system_clock::time_point utc(int y, unsigned m, unsigned d, int h, int min, int s = 0) {
  return sys_days{year{y} / month{m} / day{d}} + hours{h} + minutes{min} + seconds{s};
}

TEST(AlertsRfc3339, UtcWithSeconds) {
  EXPECT_EQ(parse_rfc3339("2027-06-06T11:00:00Z"), utc(2027, 6, 6, 11, 0));
}

TEST(AlertsRfc3339, SecondsMayBeOmitted) {
  EXPECT_EQ(parse_rfc3339("2027-06-06T11:00Z"), utc(2027, 6, 6, 11, 0));
}

TEST(AlertsRfc3339, NegativeOffsetIsBehindUtc) {
  EXPECT_EQ(parse_rfc3339("2027-06-06T07:00:00-04:00"), utc(2027, 6, 6, 11, 0));
  EXPECT_EQ(parse_rfc3339("2027-06-06T07:00-04:00"), utc(2027, 6, 6, 11, 0));
}

TEST(AlertsRfc3339, PositiveOffsetWithMinutes) {
  EXPECT_EQ(parse_rfc3339("2027-06-06T16:30:00+05:30"), utc(2027, 6, 6, 11, 0));
}

TEST(AlertsRfc3339, OffsetCrossesTheDate) {
  EXPECT_EQ(parse_rfc3339("2027-12-31T22:00:00-05:00"), utc(2028, 1, 1, 3, 0));
}

TEST(AlertsRfc3339, Fraction) {
  const auto parsed = parse_rfc3339("2027-06-06T11:00:00.250Z");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(*parsed - utc(2027, 6, 6, 11, 0), milliseconds{250});
  EXPECT_TRUE(parse_rfc3339("2027-06-06T11:00:00.123456789Z"));
}

TEST(AlertsRfc3339, LeapDay) {
  EXPECT_EQ(parse_rfc3339("2028-02-29T00:00:00Z"), utc(2028, 2, 29, 0, 0));
  EXPECT_FALSE(parse_rfc3339("2027-02-29T00:00:00Z"));
}

TEST(AlertsRfc3339, RejectsMalformed) {
  for (const char* text : {
           "",
           "2027-06-06",                       // no time
           "2027-06-06T07:00:00",              // no offset
           "2027-06-06 07:00:00Z",             // space instead of T
           "2027-06-06t07:00:00z",             // lower case
           "2027-6-06T07:00:00Z",              // one-digit month
           "2027-06-06T7:00:00Z",              // one-digit hour
           "2027-13-06T07:00:00Z",             // month 13
           "2027-00-06T07:00:00Z",             // month 0
           "2027-06-31T07:00:00Z",             // 31 June
           "2027-06-00T07:00:00Z",             // day 0
           "2027-06-06T24:00:00Z",             // hour 24
           "2027-06-06T07:60:00Z",             // minute 60
           "2027-06-06T07:00:60Z",             // leap second
           "2027-06-06T07:00:00.Z",            // empty fraction
           "2027-06-06T07:00:00.1234567890Z",  // ten fraction digits
           "2027-06-06T07:00.5Z",              // fraction without seconds
           "2027-06-06T07:00:00-0400",         // offset without colon
           "2027-06-06T07:00:00-04",           // offset without minutes
           "2027-06-06T07:00:00+24:00",        // offset hour 24
           "2027-06-06T07:00:00-04:60",        // offset minute 60
           "2027-06-06T07:00:00Z ",            // trailing space
           " 2027-06-06T07:00:00Z",            // leading space
           "2027-06-06T07:00:00ZZ",            // trailing garbage
           "２０２７-06-06T07:00:00Z",         // full-width digits
       }) {
    EXPECT_FALSE(parse_rfc3339(text)) << text;
  }
}

}  // namespace
}  // namespace tocsin::alerts
