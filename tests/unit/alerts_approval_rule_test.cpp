// The two-person rule compares names as people read them.

#include "alerts/approval_rule.h"

#include <gtest/gtest.h>

namespace tocsin::alerts {
namespace {

TEST(AlertsApprovalRule, NamesThatReadTheSameAreTheSamePerson) {
  EXPECT_TRUE(same_name("Exec Un", "Exec Un"));
  EXPECT_TRUE(same_name("Exec Un", "exec un"));
  EXPECT_TRUE(same_name("Exec Un", "  EXEC   Un\t"));
  EXPECT_TRUE(same_name("Émilie Côté", "emilie cote"));
}

TEST(AlertsApprovalRule, OtherNamesAreOtherPeople) {
  EXPECT_FALSE(same_name("Exec Un", "Exec Deux"));
  EXPECT_FALSE(same_name("Exec Un", "ExecUn"));
  EXPECT_FALSE(same_name("Marie", ""));
}

}  // namespace
}  // namespace tocsin::alerts
