// The q:retry entries (dispatch/retry_entry.h): "alert|member|channel|attempt", read back
// with a member id that holds '|'.

#include "dispatch/retry_entry.h"

#include <gtest/gtest.h>

namespace tocsin::dispatch {
namespace {

TEST(DispatchRetryEntry, AnEntryReadsBackAsWritten) {
  const std::string text = retry_text("a1", "m1", "email", 3);
  EXPECT_EQ(text, "a1|m1|email|3");
  const auto entry = parse_retry(text);
  ASSERT_TRUE(entry);
  EXPECT_EQ(entry->text, text);
  EXPECT_EQ(entry->alert_id, "a1");
  EXPECT_EQ(entry->member_id, "m1");
  EXPECT_EQ(entry->channel, "email");
  EXPECT_EQ(entry->attempt, 3);
}

TEST(DispatchRetryEntry, AMemberIdHoldingBarsIsWhatLiesBetweenTheFirstAndTheLastTwo) {
  const auto entry = parse_retry("a1|m|1|x|sms|2");
  ASSERT_TRUE(entry);
  EXPECT_EQ(entry->alert_id, "a1");
  EXPECT_EQ(entry->member_id, "m|1|x");
  EXPECT_EQ(entry->channel, "sms");
  EXPECT_EQ(entry->attempt, 2);
}

TEST(DispatchRetryEntry, AMalformedEntryIsRefused) {
  EXPECT_FALSE(parse_retry(""));
  EXPECT_FALSE(parse_retry("a1|m1|sms"));
  EXPECT_FALSE(parse_retry("a1|sms|1"));
  EXPECT_FALSE(parse_retry("a1|m1|sms|0"));
  EXPECT_FALSE(parse_retry("a1|m1|sms|x"));
}

}  // namespace
}  // namespace tocsin::dispatch
