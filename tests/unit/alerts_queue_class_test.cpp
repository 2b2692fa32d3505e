// Which send queue each alert kind goes to: the emergency kinds before the routine ones.

#include "alerts/queue_class.h"

#include <gtest/gtest.h>

namespace tocsin::alerts {
namespace {

TEST(AlertsQueueClass, EmergencyKindsAreUrgent) {
  EXPECT_EQ(queue_class(SPECIAL_LAW_THREAT), "urgent");
  EXPECT_EQ(queue_class(EMERGENCY_ASSEMBLY), "urgent");
  EXPECT_EQ(queue_class(BANNER_DROP), "urgent");
}

TEST(AlertsQueueClass, VotesAndInformationAreRoutine) {
  EXPECT_EQ(queue_class(STRIKE_VOTE), "routine");
  EXPECT_EQ(queue_class(INFORMATION), "routine");
  EXPECT_EQ(queue_class(ALERT_KIND_UNSPECIFIED), "routine") << "nothing jumps the line unnamed";
}

TEST(AlertsQueueClass, EachClassHasItsStream) {
  EXPECT_EQ(queue_key(queue_class(BANNER_DROP)), keys::kUrgentQueue);
  EXPECT_EQ(queue_key(queue_class(INFORMATION)), keys::kRoutineQueue);
}

}  // namespace
}  // namespace tocsin::alerts
