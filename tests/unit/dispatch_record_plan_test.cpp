// How the recorder lays out one batch (dispatch/record_plan.h): one record.lua call per
// alert with only that alert's keys, the opt-outs for the registry, and the commands of one
// key each that follow, in order.

#include "dispatch/record_plan.h"

#include <gtest/gtest.h>

namespace tocsin::dispatch {
namespace {

using Strings = std::vector<std::string>;

RecordResult result(std::string alert, std::string member, std::string channel, std::string state) {
  return {.alert_id = std::move(alert),
          .member_id = std::move(member),
          .channel = std::move(channel),
          .state = std::move(state)};
}

TEST(DispatchRecordPlan, EachAlertGetsOneCallWithOnlyItsOwnKeysAndItsItems) {
  const std::vector<RecordItem> items{result("a1", "m1", "sms", "failed:timeout"),
                                      result("a2", "m2", "sms", "expired"),
                                      result("a1", "m3", "email", "expired")};
  const RecordPlan plan = plan_record(items, "dispatch", 1700000000000);
  ASSERT_EQ(plan.alerts.size(), 2u);
  EXPECT_EQ(plan.alerts[0].alert_id, "a1");
  EXPECT_EQ(plan.alerts[0].keys,
            (Strings{"alert:{a1}", "alert:{a1}:delivery", "alert:{a1}:count", "alert:{a1}:sent",
                     "alert:{a1}:audit", "alert:{a1}:retries", "alert:{a1}:jobs_done"}));
  EXPECT_EQ(plan.alerts[0].args,
            (Strings{"1700000000000", "a1", "2", "r", "m1", "sms", "failed:timeout", "", "", "r",
                     "m3", "email", "expired", "", ""}));
  EXPECT_EQ(plan.alerts[1].keys[0], "alert:{a2}");
  EXPECT_EQ(plan.alerts[1].args,
            (Strings{"1700000000000", "a2", "1", "r", "m2", "sms", "expired", "", ""}));
  EXPECT_TRUE(plan.opt_outs.empty());
  EXPECT_TRUE(plan.after.empty());
}

TEST(DispatchRecordPlan, ASendWithAReceiptIsMappedAfterItsStateThenItsEarlyReceiptRead) {
  RecordResult sent = result("a1", "m1", "sms", "sent");
  sent.message_id = "SM1";
  sent.receipt_key = "msg:{twilio:SM1}";
  const RecordPlan plan = plan_record({sent}, "dispatch", 1);
  EXPECT_EQ(plan.alerts[0].args, (Strings{"1", "a1", "1", "r", "m1", "sms", "sent", "SM1", ""}));
  ASSERT_EQ(plan.after.size(), 2u);
  EXPECT_EQ(plan.after[0], (Strings{"SET", "msg:{twilio:SM1}", "a1|m1|sms", "EX", "604800"}));
  EXPECT_EQ(plan.after[1], (Strings{"GET", "msg:{twilio:SM1}:early"}));
  ASSERT_EQ(plan.early_reads.size(), 1u);
  EXPECT_EQ(plan.early_reads[0].reply_index, 1u);
  EXPECT_EQ(plan.early_reads[0].early_key, "msg:{twilio:SM1}:early");
  EXPECT_EQ(plan.early_reads[0].member_id, "m1");
}

TEST(DispatchRecordPlan, OptOutsGoToTheRegistryStepOnlyWithAnAddress) {
  RecordResult sms = result("a1", "m1", "sms", "opted_out");
  sms.address = "+15145550001";
  RecordResult email = result("a1", "m1", "email", "opted_out");
  email.address = "m1@example.org";
  const RecordResult bare = result("a1", "m2", "sms", "opted_out");  // no address: state only
  const RecordPlan plan = plan_record({sms, email, bare}, "dispatch", 1);
  ASSERT_EQ(plan.opt_outs.size(), 2u);
  EXPECT_EQ(plan.opt_outs[0].channel, "sms");
  EXPECT_EQ(plan.opt_outs[0].address, "+15145550001");
  EXPECT_EQ(plan.opt_outs[1].address, "m1@example.org");
  EXPECT_EQ(plan.opt_outs[1].member_id, "m1");
  EXPECT_EQ(plan.alerts[0].args[2], "3");
}

TEST(DispatchRecordPlan, RetriesSettleThenQueueAndJobsAreAcknowledgedPerQueue) {
  const std::vector<RecordItem> items{
      RecordRetry{.alert_id = "a1",
                  .member_id = "m1",
                  .channel = "sms",
                  .due_ms = 5000,
                  .entry_to_add = "a1|m1|sms|3",
                  .entry_to_remove = "a1|m1|sms|2"},
      RecordCancelRetry{
          .alert_id = "a2", .member_id = "m2", .channel = "sms", .entry_to_remove = "a2|m2|sms|1"},
      RecordAck{.alert_id = "a1", .queue = "q:send:urgent", .entry_id = "1-1"},
      RecordAck{.alert_id = "a1", .queue = "q:send:urgent", .entry_id = "1-2"}};
  const RecordPlan plan = plan_record(items, "dispatch", 1);
  EXPECT_EQ(plan.alerts[0].args,
            (Strings{"1",           "a1", "3",   "q", "m1", "sms", "5000", "a1|m1|sms|3",
                     "a1|m1|sms|2", "a",  "1-1", "",  "",   "",    "",     "a",
                     "1-2",         "",   "",    "",  ""}));
  EXPECT_EQ(plan.alerts[1].args,
            (Strings{"1", "a2", "1", "c", "m2", "sms", "", "", "a2|m2|sms|1"}));
  EXPECT_EQ(plan.after, (std::vector<Strings>{{"ZREM", "q:retry", "a1|m1|sms|2", "a2|m2|sms|1"},
                                              {"ZADD", "q:retry", "NX", "5000", "a1|m1|sms|3"},
                                              {"XACK", "q:send:urgent", "dispatch", "1-1", "1-2"},
                                              {"XDEL", "q:send:urgent", "1-1", "1-2"}}));
  EXPECT_TRUE(plan.early_reads.empty());
}

}  // namespace
}  // namespace tocsin::dispatch
