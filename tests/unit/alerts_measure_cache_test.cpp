// The draft preview's cache of audience measures: reused only for what the measure depends
// on, only while fresh, and bounded.

#include "alerts/measure_cache.h"

#include <gtest/gtest.h>

namespace tocsin::alerts {
namespace {

using namespace std::chrono_literals;
using Clock = MeasureCache::Clock;

Alert draft(const std::string& audience) {
  Alert alert;
  alert.set_audience(audience);
  alert.set_channels(SMS);
  (*alert.mutable_messages())["fr"].set_sms("Assemblée ce soir");
  return alert;
}

DraftMeasure measure(int64_t members) {
  DraftMeasure measure;
  measure.count.members = members;
  return measure;
}

TEST(AlertsMeasureCache, TheKeyIgnoresTextsButNotWhatTheMeasureDependsOn) {
  const Alert base = draft("region:Estrie AND sector:santé");
  Alert other_text = base;
  (*other_text.mutable_messages())["fr"].set_sms("Assemblée demain, OUI ou NON");
  other_text.set_title("Autre titre");
  EXPECT_EQ(measure_key(base), measure_key(other_text));
  // The same audience written otherwise is the same audience.
  EXPECT_EQ(measure_key(base), measure_key(draft("region:estrie ET secteur:Sante")));

  Alert other_channels = base;
  other_channels.set_channels(BOTH);
  Alert english = base;
  (*english.mutable_messages())["en"].set_sms("Assembly tonight");
  Alert targeted = base;
  TurnoutTarget* target = targeted.add_targets();
  target->set_dimension("local");
  target->set_value("1001");
  for (const Alert& changed :
       {draft("region:estrie"), other_channels, english, targeted}) {
    EXPECT_NE(measure_key(base), measure_key(changed)) << changed.DebugString();
  }
}

TEST(AlertsMeasureCache, AMeasureIsReusedOnlyWhileFresh) {
  MeasureCache cache(10s, 5s, 4);
  const Clock::time_point start{};
  cache.store("a", measure(12), start);
  ASSERT_TRUE(cache.find("a", start + 9s));
  EXPECT_EQ(cache.find("a", start + 9s)->count.members, 12);
  EXPECT_FALSE(cache.find("a", start + 10s));
  EXPECT_FALSE(cache.find("a", start + 1s)) << "an expired measure is dropped, not revived";
  EXPECT_FALSE(cache.find("b", start));
}

TEST(AlertsMeasureCache, PastCapacityTheOldestGoes) {
  MeasureCache cache(10s, 5s, 2);
  const Clock::time_point start{};
  cache.store("a", measure(1), start);
  cache.store("b", measure(2), start);
  cache.store("a", measure(3), start + 1s);  // stored again: now the newest
  cache.store("c", measure(4), start + 2s);
  EXPECT_FALSE(cache.find("b", start + 2s));
  EXPECT_EQ(cache.find("a", start + 2s)->count.members, 3);
  EXPECT_EQ(cache.find("c", start + 2s)->count.members, 4);
}

TEST(AlertsMeasureCache, AnAgeingMeasureIsRefreshedOnceWhileStillAnswered) {
  MeasureCache cache(10s, 5s, 4);
  const Clock::time_point start{};
  cache.store("a", measure(1), start);
  EXPECT_FALSE(cache.claim_refresh("a", start + 4s));
  EXPECT_TRUE(cache.claim_refresh("a", start + 5s));
  EXPECT_FALSE(cache.claim_refresh("a", start + 6s)) << "one refresh at a time";
  EXPECT_EQ(cache.find("a", start + 6s)->count.members, 1) << "still answered meanwhile";
  cache.store("a", measure(2), start + 7s);  // the refresh's result
  EXPECT_EQ(cache.find("a", start + 8s)->count.members, 2);
  EXPECT_FALSE(cache.claim_refresh("a", start + 11s));
  EXPECT_TRUE(cache.claim_refresh("a", start + 12s));
  EXPECT_FALSE(cache.claim_refresh("b", start + 12s));
  EXPECT_EQ(cache.find("a", start + 30s)->count.members, 2)
      << "past its time, still answered while its refresh is on its way";
  cache.refresh_failed("a");
  EXPECT_FALSE(cache.find("a", start + 30s)) << "a failed refresh lets it age out";
}

}  // namespace
}  // namespace tocsin::alerts
