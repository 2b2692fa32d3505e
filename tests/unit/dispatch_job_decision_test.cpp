// What becomes of a member's message between its job being taken and its hand-off to a
// gateway (dispatch/job_decision.h): prepared or dropped on cancel, queued, held for quiet
// hours, expired, failed, settled; and at the head of its ready queue, sent, dropped,
// expired, opted out or checked again. Plain values, no Redis.

#include "dispatch/job_decision.h"

#include <gtest/gtest.h>

namespace tocsin::dispatch {
namespace {

namespace act = channel_action;

constexpr int64_t kNow = 1'700'000'000'000;
constexpr int64_t kDeadline = kNow + 3'600'000;

AlertFacts sending(int64_t deadline_ms = 0) {
  return {.state = "sending", .deadline_ms = deadline_ms};
}

// A member's SMS the prepare step claimed ("send"), an SMS gateway configured, no quiet
// window, no deadline, taken from a job.
ChannelFacts to_send() {
  return {.channel = "sms", .code = "send", .member_readable = true, .has_gateway = true};
}

TEST(DispatchJobDecision, ASendingAlertsJobIsPreparedACancelledFinishedOrGoneOneIsDropped) {
  EXPECT_EQ(decide_take(sending()), TakeAction::prepare);
  EXPECT_EQ(decide_take(AlertFacts{.state = "cancelled"}), TakeAction::drop);
  EXPECT_EQ(decide_take(AlertFacts{.state = "sent"}), TakeAction::drop);
  EXPECT_EQ(decide_take(AlertFacts{.state = ""}), TakeAction::drop);
  EXPECT_EQ(decide_take(std::nullopt), TakeAction::drop);
}

TEST(DispatchJobDecision, TheDeadlineIsPastFromItsOwnMillisecondAndNeverWithoutOne) {
  EXPECT_FALSE(past_deadline(sending(kDeadline), kDeadline - 1));
  EXPECT_TRUE(past_deadline(sending(kDeadline), kDeadline));
  EXPECT_TRUE(past_deadline(sending(kDeadline), kDeadline + 1));
  EXPECT_FALSE(past_deadline(sending(0), kDeadline * 10));
}

TEST(DispatchJobDecision, AClaimedMessageWithAGatewayAndNoQuietWindowIsQueued) {
  EXPECT_TRUE(std::holds_alternative<act::Queue>(decide_channel(to_send())));
  ChannelFacts retry = to_send();
  retry.is_retry = true;
  retry.deadline_ms = kDeadline;
  EXPECT_TRUE(std::holds_alternative<act::Queue>(decide_channel(retry)));
}

TEST(DispatchJobDecision, InQuietHoursAMessageIsHeldUntilTheWindowEnds) {
  ChannelFacts facts = to_send();
  facts.quiet_until = kNow + 600'000;
  const ChannelAction action = decide_channel(facts);
  ASSERT_TRUE(std::holds_alternative<act::Hold>(action));
  EXPECT_EQ(std::get<act::Hold>(action).until_ms, kNow + 600'000);
  // Before a deadline that comes later: still held.
  facts.deadline_ms = kNow + 600'001;
  ASSERT_TRUE(std::holds_alternative<act::Hold>(decide_channel(facts)));
}

TEST(DispatchJobDecision, AQuietWindowEndingAtOrAfterTheDeadlineExpiresTheMessageNow) {
  ChannelFacts facts = to_send();
  facts.deadline_ms = kDeadline;
  facts.quiet_until = kDeadline;
  EXPECT_TRUE(std::holds_alternative<act::Expire>(decide_channel(facts)));
  facts.quiet_until = kDeadline + 1;
  EXPECT_TRUE(std::holds_alternative<act::Expire>(decide_channel(facts)));
}

TEST(DispatchJobDecision, AHeldMessageIsHeldEvenWithNoGatewayForItsChannelYet) {
  // The hold comes first, as before the split: the gateway is looked for when it goes.
  ChannelFacts facts = to_send();
  facts.has_gateway = false;
  facts.quiet_until = kNow + 1000;
  EXPECT_TRUE(std::holds_alternative<act::Hold>(decide_channel(facts)));
}

TEST(DispatchJobDecision, NoGatewayForTheChannelFailsTheMessageNamingTheChannel) {
  ChannelFacts facts = to_send();
  facts.channel = "email";
  facts.has_gateway = false;
  const ChannelAction action = decide_channel(facts);
  ASSERT_TRUE(std::holds_alternative<act::Fail>(action));
  EXPECT_EQ(std::get<act::Fail>(action).reason, "no email gateway configured");
}

TEST(DispatchJobDecision, AnUnreadableMemberRecordFailsEvenInQuietHours) {
  ChannelFacts facts = to_send();
  facts.member_readable = false;
  facts.quiet_until = kNow + 1000;
  const ChannelAction action = decide_channel(facts);
  ASSERT_TRUE(std::holds_alternative<act::Fail>(action));
  EXPECT_EQ(std::get<act::Fail>(action).reason, "unreadable member record");
}

TEST(DispatchJobDecision, NoneIsSkippedAndDoneSettlesARetryButSkipsAJob) {
  ChannelFacts facts = to_send();
  facts.code = "none";
  facts.member_readable = false;  // never looked at for a channel not the member's
  EXPECT_TRUE(std::holds_alternative<act::Skip>(decide_channel(facts)));
  facts.code = "done";
  EXPECT_TRUE(std::holds_alternative<act::Skip>(decide_channel(facts)));
  facts.is_retry = true;
  EXPECT_TRUE(std::holds_alternative<act::Settle>(decide_channel(facts)));
}

TEST(DispatchJobDecision, AFinalStateFromPrepareIsWrittenForARetryOnly) {
  ChannelFacts facts = to_send();
  facts.code = "opted_out";
  facts.quiet_until = kNow + 1000;  // a final state is never held
  ChannelAction action = decide_channel(facts);
  ASSERT_TRUE(std::holds_alternative<act::Final>(action));
  EXPECT_EQ(std::get<act::Final>(action).state, "opted_out");
  EXPECT_FALSE(std::get<act::Final>(action).write);
  facts.code = "skipped:shared address";
  facts.is_retry = true;
  action = decide_channel(facts);
  ASSERT_TRUE(std::holds_alternative<act::Final>(action));
  EXPECT_EQ(std::get<act::Final>(action).state, "skipped:shared address");
  EXPECT_TRUE(std::get<act::Final>(action).write);
}

// At the head of a ready queue: a message whose address was checked moments ago, of an
// alert still sending before its deadline.
ReadyFacts ready_to_go(const AlertFacts& alert) {
  return {.alert = alert, .now_ms = kNow, .opt_out_fresh = true};
}

TEST(DispatchJobDecision, AReadyMessageCheckedMomentsAgoIsSent) {
  EXPECT_EQ(decide_ready(ready_to_go(sending(kDeadline))), ReadyAction::send);
  EXPECT_EQ(decide_ready(ready_to_go(sending())), ReadyAction::send);
}

TEST(DispatchJobDecision, AReadyMessageOfACancelledOrForgottenAlertIsDropped) {
  EXPECT_EQ(decide_ready(ready_to_go(AlertFacts{.state = "cancelled"})), ReadyAction::drop);
  ReadyFacts forgotten = ready_to_go(sending());
  forgotten.alert = std::nullopt;
  EXPECT_EQ(decide_ready(forgotten), ReadyAction::drop);
  // Cancelled wins over expired and opted out: never attempted, no state.
  ReadyFacts all = ready_to_go(AlertFacts{.state = "cancelled", .deadline_ms = kNow});
  all.opted_out_since = true;
  EXPECT_EQ(decide_ready(all), ReadyAction::drop);
}

TEST(DispatchJobDecision, AReadyMessagePastTheDeadlineIsExpiredBeforeAnyOptOutLookUp) {
  ReadyFacts facts = ready_to_go(sending(kNow));
  facts.opt_out_fresh = false;
  EXPECT_EQ(decide_ready(facts), ReadyAction::expire);
  facts.opted_out_since = true;
  EXPECT_EQ(decide_ready(facts), ReadyAction::expire);
}

TEST(DispatchJobDecision, AStopSinceThePrepareRecordsOptedOutAStaleCheckIsDoneAgain) {
  ReadyFacts facts = ready_to_go(sending(kDeadline));
  facts.opted_out_since = true;
  EXPECT_EQ(decide_ready(facts), ReadyAction::opted_out);
  facts.opt_out_fresh = false;
  EXPECT_EQ(decide_ready(facts), ReadyAction::opted_out);
  facts.opted_out_since = false;
  EXPECT_EQ(decide_ready(facts), ReadyAction::check_opt_out);
}

TEST(DispatchJobDecision, ADirectMessageIsSentWithNoAlertNorOptOutCheck) {
  ReadyFacts direct{.direct = true, .now_ms = kNow};
  EXPECT_EQ(decide_ready(direct), ReadyAction::send);
}

}  // namespace
}  // namespace tocsin::dispatch
