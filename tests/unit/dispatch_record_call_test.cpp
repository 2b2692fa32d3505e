// The KEYS and ARGV the recorder gives record.lua (dispatch/record_call.h): each item names
// its keys by their index in KEYS, each alert's five keys and each shared key given once.

#include "dispatch/record_call.h"

#include <gtest/gtest.h>

namespace tocsin::dispatch {
namespace {

RecordResult result(std::string alert, std::string member, std::string channel, std::string state) {
  return {.alert_id = std::move(alert),
          .member_id = std::move(member),
          .channel = std::move(channel),
          .state = std::move(state)};
}

// The ten ARGV fields of item `i` (0-based), after the four of the call.
std::vector<std::string> item_args(const std::vector<std::string>& args, size_t i) {
  return {args.begin() + 4 + 10 * i, args.begin() + 4 + 10 * (i + 1)};
}

TEST(DispatchRecordCall, TheGlobalKeysComeFirstThenEachAlertsFiveKeysOnce) {
  RecordCall call("dispatch", 1700000000000, 3);
  call.add(result("a1", "m1", "sms", "failed:timeout"));
  call.add(result("a2", "m2", "sms", "expired"));
  call.add(result("a1", "m3", "email", "expired"));
  const auto keys = call.take_keys();
  const auto args = call.take_args();
  EXPECT_EQ(keys, (std::vector<std::string>{
                      "q:retry", "{roster}:optout:sms", "{roster}:optout:email",
                      "{roster}:optout:sms:members", "{roster}:optout:email:members", "alert:{a1}",
                      "alert:{a1}:delivery", "alert:{a1}:count", "alert:{a1}:sent",
                      "alert:{a1}:audit", "alert:{a2}", "alert:{a2}:delivery", "alert:{a2}:count",
                      "alert:{a2}:sent", "alert:{a2}:audit"}));
  EXPECT_EQ(call.alert_ids(), (std::vector<std::string>{"a1", "a2"}));
  EXPECT_EQ((std::vector<std::string>(args.begin(), args.begin() + 4)),
            (std::vector<std::string>{"1700000000000", "dispatch", "3", "604800"}));
  ASSERT_EQ(args.size(), 4u + 3 * 10);
  EXPECT_EQ(item_args(args, 0), (std::vector<std::string>{"r", "a1", "6", "m1", "sms",
                                                          "failed:timeout", "", "", "", ""}));
  EXPECT_EQ(item_args(args, 1)[2], "11");
  EXPECT_EQ(item_args(args, 2)[2], "6");
}

TEST(DispatchRecordCall, ASendWithAReceiptNamesItsMappingAndItsEarlyKey) {
  RecordCall call("dispatch", 1, 1);
  RecordResult sent = result("a1", "m1", "sms", "sent");
  sent.message_id = "SM1";
  sent.receipt_key = "msg:{twilio:SM1}";
  call.add(sent);
  const auto keys = call.take_keys();
  const auto args = call.take_args();
  ASSERT_EQ(keys.size(), 12u);
  EXPECT_EQ(keys[10], "msg:{twilio:SM1}");
  EXPECT_EQ(keys[11], "msg:{twilio:SM1}:early");
  EXPECT_EQ(item_args(args, 0),
            (std::vector<std::string>{"r", "a1", "6", "m1", "sms", "sent", "SM1", "", "", "11"}));
}

TEST(DispatchRecordCall, AnSmsOptOutNamesThePhonesHoldersOnceAnEmailOneNoKey) {
  RecordCall call("dispatch", 1, 3);
  RecordResult sms = result("a1", "m1", "sms", "opted_out");
  sms.address = "+15145550001";
  call.add(sms);
  RecordResult again = result("a1", "m2", "sms", "opted_out");
  again.address = "+15145550001";  // a phone two members share
  call.add(again);
  RecordResult email = result("a1", "m1", "email", "opted_out");
  email.address = "m1@example.org";
  call.add(email);
  const auto keys = call.take_keys();
  const auto args = call.take_args();
  ASSERT_EQ(keys.size(), 11u);
  EXPECT_EQ(keys[10], "{roster}:phone:+15145550001");
  EXPECT_EQ(item_args(args, 0)[9], "11");
  EXPECT_EQ(item_args(args, 1)[9], "11");
  EXPECT_EQ(item_args(args, 2)[9], "");
}

TEST(DispatchRecordCall, AnAcknowledgementNamesItsQueueRetriesAndCancelsNone) {
  RecordCall call("dispatch", 1, 3);
  call.add(RecordAck{.alert_id = "a1", .queue = "q:send:urgent", .entry_id = "1-0"});
  call.add(RecordRetry{.alert_id = "a1",
                       .member_id = "m1",
                       .channel = "sms",
                       .due_ms = 5000,
                       .entry_to_add = "a1|m1|sms|2",
                       .entry_to_remove = "a1|m1|sms|1"});
  call.add(RecordCancelRetry{
      .alert_id = "a1", .member_id = "m1", .channel = "sms", .entry_to_remove = "a1|m1|sms|2"});
  const auto keys = call.take_keys();
  const auto args = call.take_args();
  ASSERT_EQ(keys.size(), 11u);
  EXPECT_EQ(keys[10], "q:send:urgent");
  EXPECT_EQ(item_args(args, 0),
            (std::vector<std::string>{"a", "a1", "6", "11", "1-0", "", "", "", "", ""}));
  EXPECT_EQ(item_args(args, 1), (std::vector<std::string>{"q", "a1", "6", "m1", "sms", "5000", "",
                                                          "a1|m1|sms|2", "a1|m1|sms|1", ""}));
  EXPECT_EQ(item_args(args, 2),
            (std::vector<std::string>{"c", "a1", "6", "m1", "sms", "", "", "", "a1|m1|sms|2", ""}));
}

}  // namespace
}  // namespace tocsin::dispatch
