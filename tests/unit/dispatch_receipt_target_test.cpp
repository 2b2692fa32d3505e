// Reading a receipt's mapping, "alert|member|channel" (dispatch/receipt_store.h).

#include <gtest/gtest.h>

#include "dispatch/receipt_store.h"

namespace tocsin::dispatch {
namespace {

TEST(ReceiptTarget, SplitsAlertMemberAndChannel) {
  const auto target = parse_receipt_target("a1|m1|sms");
  ASSERT_TRUE(target.has_value());
  EXPECT_EQ(target->alert_id, "a1");
  EXPECT_EQ(target->member_id, "m1");
  EXPECT_EQ(target->channel, "sms");
}

TEST(ReceiptTarget, AMemberIdMayHoldTheSeparator) {
  const auto target = parse_receipt_target("a1|m|1|email");
  ASSERT_TRUE(target.has_value());
  EXPECT_EQ(target->member_id, "m|1");
  EXPECT_EQ(target->channel, "email");
}

TEST(ReceiptTarget, AnythingElseIsNotAMapping) {
  EXPECT_FALSE(parse_receipt_target("").has_value());
  EXPECT_FALSE(parse_receipt_target("a1|sms").has_value());
  EXPECT_FALSE(parse_receipt_target("|m1|sms").has_value());
  EXPECT_FALSE(parse_receipt_target("a1||sms").has_value());
}

}  // namespace
}  // namespace tocsin::dispatch
