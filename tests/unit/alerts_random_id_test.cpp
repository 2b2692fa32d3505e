// Alert ids: 16 characters of [a-z0-9] from the CSPRNG, and the check routes use on them.

#include "alerts/random_id.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "alerts/alert_store.h"

namespace tocsin::alerts {
namespace {

TEST(AlertsRandomId, SixteenLowerCaseLettersAndDigits) {
  for (int i = 0; i < 100; ++i) {
    const std::string id = random_id();
    EXPECT_EQ(id.size(), 16u);
    EXPECT_TRUE(is_alert_id(id)) << id;
  }
  EXPECT_EQ(random_id(5).size(), 5u);
}

TEST(AlertsRandomId, DistinctAndEveryCharacterUsed) {
  std::set<std::string> ids;
  std::map<char, int> seen;
  for (int i = 0; i < 2000; ++i) {
    const std::string id = random_id();
    ids.insert(id);
    for (char c : id) ++seen[c];
  }
  EXPECT_EQ(ids.size(), 2000u);
  // 32,000 draws over 36 characters: each appears about 890 times; a biased or
  // truncated alphabet would show here.
  EXPECT_EQ(seen.size(), 36u);
  for (const auto& [c, n] : seen) EXPECT_GT(n, 600) << c;
}

TEST(AlertsRandomId, IsAlertIdRefusesAnythingElse) {
  EXPECT_TRUE(is_alert_id("0c21uht3w3bnxwkl"));
  EXPECT_FALSE(is_alert_id(""));
  EXPECT_FALSE(is_alert_id("A7"));
  EXPECT_FALSE(is_alert_id("0c21uht3w3bnxwk"));    // 15
  EXPECT_FALSE(is_alert_id("0c21uht3w3bnxwklm"));  // 17
  EXPECT_FALSE(is_alert_id("0C21uht3w3bnxwkl"));
  EXPECT_FALSE(is_alert_id("0c21uht3w3bnxw}l"));
  EXPECT_FALSE(is_alert_id("0c21uht3w3bnxw:l"));
}

}  // namespace
}  // namespace tocsin::alerts
