#include "alerts/send_deadline.h"

#include <gtest/gtest.h>

namespace tocsin::alerts {
namespace {

// 2030-06-06T07:00:00-04:00 = 2030-06-06T11:00:00Z.
constexpr int64_t kEventMs = 1'906'974'000'000;

TEST(SendDeadline, EventStartWhenNoExpiry) {
  EXPECT_EQ(send_deadline_ms(0, "2030-06-06T07:00:00-04:00"), kEventMs);
}

TEST(SendDeadline, ExpiryBeforeTheEventWins) {
  EXPECT_EQ(send_deadline_ms(kEventMs - 3'600'000, "2030-06-06T07:00:00-04:00"),
            kEventMs - 3'600'000);
}

TEST(SendDeadline, EventStartBeforeTheExpiryWins) {
  EXPECT_EQ(send_deadline_ms(kEventMs + 3'600'000, "2030-06-06T07:00:00-04:00"), kEventMs);
}

TEST(SendDeadline, NoEventTimeKeepsTheExpiry) {
  EXPECT_EQ(send_deadline_ms(kEventMs, ""), kEventMs);
  EXPECT_EQ(send_deadline_ms(kEventMs, "not a time"), kEventMs);
  EXPECT_EQ(send_deadline_ms(0, ""), 0);
}

}  // namespace
}  // namespace tocsin::alerts
