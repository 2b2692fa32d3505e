// The KEYS and ARGV the recorder gives record.lua (dispatch/record_call.h): each item names
// its keys by their index in KEYS, each alert's four keys and each shared key given once.

#include "dispatch/record_call.h"

#include <gtest/gtest.h>

namespace tocsin::dispatch {
namespace {

RecordItem result(std::string alert, std::string member, std::string channel, std::string state) {
  RecordItem item;
  item.op = RecordItem::Op::result;
  item.alert_id = std::move(alert);
  item.member_or_queue = std::move(member);
  item.channel_or_entry = std::move(channel);
  item.state_or_due = std::move(state);
  return item;
}

// The ten ARGV fields of item `i` (0-based), after the four of the call.
std::vector<std::string> item_args(const std::vector<std::string>& args, size_t i) {
  return {args.begin() + 4 + 10 * i, args.begin() + 4 + 10 * (i + 1)};
}

TEST(DispatchRecordCall, TheGlobalKeysComeFirstThenEachAlertsFourKeysOnce) {
  RecordCall call("dispatch", 1700000000000, 3);
  call.add(result("a1", "m1", "sms", "failed:timeout"));
  call.add(result("a2", "m2", "sms", "expired"));
  call.add(result("a1", "m3", "email", "expired"));
  const auto keys = call.take_keys();
  const auto args = call.take_args();
  EXPECT_EQ(keys, (std::vector<std::string>{"q:retry", "audit", "optout:sms", "optout:email",
                                            "optout:sms:members", "optout:email:members",
                                            "alert:{a1}", "alert:{a1}:delivery", "alert:{a1}:count",
                                            "alert:{a1}:sent", "alert:{a2}", "alert:{a2}:delivery",
                                            "alert:{a2}:count", "alert:{a2}:sent"}));
  EXPECT_EQ((std::vector<std::string>(args.begin(), args.begin() + 4)),
            (std::vector<std::string>{"1700000000000", "dispatch", "3", "604800"}));
  ASSERT_EQ(args.size(), 4u + 3 * 10);
  EXPECT_EQ(item_args(args, 0), (std::vector<std::string>{"r", "a1", "7", "m1", "sms",
                                                          "failed:timeout", "", "", "", ""}));
  EXPECT_EQ(item_args(args, 1)[2], "11");
  EXPECT_EQ(item_args(args, 2)[2], "7");
}

TEST(DispatchRecordCall, ASendWithAReceiptNamesItsMappingAndItsEarlyKey) {
  RecordCall call("dispatch", 1, 1);
  RecordItem sent = result("a1", "m1", "sms", "sent");
  sent.message_id = "SM1";
  sent.receipt_key = "msg:twilio:SM1";
  call.add(sent);
  const auto keys = call.take_keys();
  const auto args = call.take_args();
  ASSERT_EQ(keys.size(), 12u);
  EXPECT_EQ(keys[10], "msg:twilio:SM1");
  EXPECT_EQ(keys[11], "msg:twilio:SM1:early");
  EXPECT_EQ(item_args(args, 0),
            (std::vector<std::string>{"r", "a1", "7", "m1", "sms", "sent", "SM1", "", "", "11"}));
}

TEST(DispatchRecordCall, AnSmsOptOutNamesThePhonesHoldersOnceAnEmailOneNoKey) {
  RecordCall call("dispatch", 1, 3);
  RecordItem sms = result("a1", "m1", "sms", "opted_out");
  sms.address = "+15145550001";
  call.add(sms);
  RecordItem again = result("a1", "m2", "sms", "opted_out");
  again.address = "+15145550001";  // a phone two members share
  call.add(again);
  RecordItem email = result("a1", "m1", "email", "opted_out");
  email.address = "m1@example.org";
  call.add(email);
  const auto keys = call.take_keys();
  const auto args = call.take_args();
  ASSERT_EQ(keys.size(), 11u);
  EXPECT_EQ(keys[10], "phone:+15145550001");
  EXPECT_EQ(item_args(args, 0)[9], "11");
  EXPECT_EQ(item_args(args, 1)[9], "11");
  EXPECT_EQ(item_args(args, 2)[9], "");
}

TEST(DispatchRecordCall, AnAcknowledgementNamesItsQueueRetriesAndCancelsNone) {
  RecordCall call("dispatch", 1, 3);
  RecordItem ack;
  ack.op = RecordItem::Op::ack;
  ack.alert_id = "a1";
  ack.member_or_queue = "q:send:urgent";
  ack.channel_or_entry = "1-0";
  call.add(ack);
  RecordItem retry;
  retry.op = RecordItem::Op::retry;
  retry.alert_id = "a1";
  retry.member_or_queue = "m1";
  retry.channel_or_entry = "sms";
  retry.state_or_due = "5000";
  retry.entry_to_add = "a1|m1|sms|2";
  retry.entry_to_remove = "a1|m1|sms|1";
  call.add(retry);
  RecordItem cancel;
  cancel.op = RecordItem::Op::cancel_retry;
  cancel.alert_id = "a1";
  cancel.member_or_queue = "m1";
  cancel.channel_or_entry = "sms";
  cancel.entry_to_remove = "a1|m1|sms|2";
  call.add(cancel);
  const auto keys = call.take_keys();
  const auto args = call.take_args();
  ASSERT_EQ(keys.size(), 11u);
  EXPECT_EQ(keys[10], "q:send:urgent");
  EXPECT_EQ(item_args(args, 0),
            (std::vector<std::string>{"a", "a1", "7", "11", "1-0", "", "", "", "", ""}));
  EXPECT_EQ(item_args(args, 1), (std::vector<std::string>{"q", "a1", "7", "m1", "sms", "5000", "",
                                                          "a1|m1|sms|2", "a1|m1|sms|1", ""}));
  EXPECT_EQ(item_args(args, 2),
            (std::vector<std::string>{"c", "a1", "7", "m1", "sms", "", "", "", "a1|m1|sms|2", ""}));
}

}  // namespace
}  // namespace tocsin::dispatch
