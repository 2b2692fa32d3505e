// What the engine records once a gateway answered (dispatch/outcome_decision.h): finished as
// sent (with its receipt key), a retry at now + the policy's delay with the next attempt,
// failed, opted out; the email fallback of an SMS-only alert; unconfirmed answers. Plain
// values, no Redis.

#include "dispatch/outcome_decision.h"

#include <gtest/gtest.h>

namespace tocsin::dispatch {
namespace {

using std::chrono::milliseconds;
using Action = RetryDecision::Action;

constexpr int64_t kNow = 1'700'000'000'000;

adapters::OutgoingMessage sms() {
  adapters::OutgoingMessage message;
  message.alert_id = "a1";
  message.member_id = "m1";
  message.channel = "sms";
  message.to = "+15145550001";
  return message;
}

SendResult answer(Outcome outcome, std::string message_id = {}) {
  SendResult result;
  result.outcome = outcome;
  result.message_id = std::move(message_id);
  return result;
}

RetryDecision decided(Action action, std::string reason = {}, milliseconds delay = {}) {
  RetryDecision decision;
  decision.action = action;
  decision.reason = std::move(reason);
  decision.delay = delay;
  return decision;
}

SendFacts facts_of(const adapters::OutgoingMessage& message) {
  return {.message = message,
          .retry_entry = "",
          .attempt = 1,
          .gateway = "twilio",
          .gateway_receipts = true,
          .now_ms = kNow};
}

TEST(DispatchOutcomeDecision, AnAcceptedMessageFinishesAsSentWithItsReceiptKey) {
  const auto message = sms();
  SendFacts facts = facts_of(message);
  facts.retry_entry = "a1|m1|sms|2";
  const OutcomeActions actions =
      decide_outcome(answer(Outcome::accepted, "SM1"), decided(Action::done), facts);
  ASSERT_TRUE(std::holds_alternative<RecordResult>(actions.record));
  const auto& sent = std::get<RecordResult>(actions.record);
  EXPECT_EQ(sent.alert_id, "a1");
  EXPECT_EQ(sent.member_id, "m1");
  EXPECT_EQ(sent.channel, "sms");
  EXPECT_EQ(sent.state, "sent");
  EXPECT_EQ(sent.message_id, "SM1");
  EXPECT_EQ(sent.receipt_key, "msg:{twilio:SM1}");
  EXPECT_EQ(sent.entry_to_remove, "a1|m1|sms|2");
  EXPECT_EQ(sent.address, "");
  EXPECT_TRUE(sent.is_message);
  EXPECT_FALSE(actions.email);
  EXPECT_FALSE(actions.unconfirmed);
}

TEST(DispatchOutcomeDecision, NoReceiptKeyWithoutReceiptsOrWithoutAMessageId) {
  const auto message = sms();
  SendFacts facts = facts_of(message);
  facts.gateway_receipts = false;
  auto actions = decide_outcome(answer(Outcome::accepted, "SM1"), decided(Action::done), facts);
  EXPECT_EQ(std::get<RecordResult>(actions.record).receipt_key, "");
  facts.gateway_receipts = true;
  actions = decide_outcome(answer(Outcome::accepted), decided(Action::done), facts);
  EXPECT_EQ(std::get<RecordResult>(actions.record).receipt_key, "");
}

TEST(DispatchOutcomeDecision, UnconfirmedIsSentCountedAndEmailedWhenThereIsAnEmailGateway) {
  const auto message = sms();
  SendFacts facts = facts_of(message);
  facts.email_fallback = true;
  facts.email_gateway = true;
  auto actions = decide_outcome(answer(Outcome::unconfirmed), decided(Action::done), facts);
  EXPECT_EQ(std::get<RecordResult>(actions.record).state, "sent");
  EXPECT_TRUE(actions.unconfirmed);
  ASSERT_TRUE(actions.email);
  EXPECT_EQ(actions.email->channel, "email");
  EXPECT_EQ(actions.email->member_id, "m1");
  EXPECT_EQ(actions.email->due_ms, kNow);
  EXPECT_EQ(actions.email->entry_to_add, "a1|m1|email|1");
  EXPECT_EQ(actions.email->entry_to_remove, "");
  EXPECT_FALSE(actions.email->is_message);
  // No email gateway, or no email to fall back on: counted, not emailed.
  facts.email_gateway = false;
  actions = decide_outcome(answer(Outcome::unconfirmed), decided(Action::done), facts);
  EXPECT_TRUE(actions.unconfirmed);
  EXPECT_FALSE(actions.email);
  facts.email_gateway = true;
  facts.email_fallback = false;
  actions = decide_outcome(answer(Outcome::unconfirmed), decided(Action::done), facts);
  EXPECT_TRUE(actions.unconfirmed);
  EXPECT_FALSE(actions.email);
}

TEST(DispatchOutcomeDecision, ARetryIsScheduledAfterThePolicysDelayWithTheNextAttempt) {
  const auto message = sms();
  SendFacts facts = facts_of(message);
  facts.attempt = 2;
  facts.retry_entry = "a1|m1|sms|2";
  facts.email_fallback = true;
  facts.email_gateway = true;
  const OutcomeActions actions = decide_outcome(
      answer(Outcome::temporary), decided(Action::retry, "HTTP 503", milliseconds(1500)), facts);
  ASSERT_TRUE(std::holds_alternative<RecordRetry>(actions.record));
  const auto& retry = std::get<RecordRetry>(actions.record);
  EXPECT_EQ(retry.channel, "sms");
  EXPECT_EQ(retry.due_ms, kNow + 1500);
  EXPECT_EQ(retry.entry_to_add, "a1|m1|sms|3");
  EXPECT_EQ(retry.entry_to_remove, "a1|m1|sms|2");
  EXPECT_TRUE(retry.is_message);
  EXPECT_FALSE(actions.email);  // a retry is no failure yet
  EXPECT_FALSE(actions.unconfirmed);
}

TEST(DispatchOutcomeDecision, APermanentFailureIsRecordedAndFallsBackToEmail) {
  const auto message = sms();
  SendFacts facts = facts_of(message);
  facts.email_fallback = true;
  const OutcomeActions actions = decide_outcome(
      answer(Outcome::permanent), decided(Action::fail, "not a mobile number"), facts);
  EXPECT_EQ(std::get<RecordResult>(actions.record).state, "failed:not a mobile number");
  EXPECT_TRUE(std::get<RecordResult>(actions.record).is_message);
  // As before the split, a permanent failure falls back whether or not an email gateway is
  // configured: the retry path then fails the email visibly if there is none.
  ASSERT_TRUE(actions.email);
  EXPECT_EQ(actions.email->entry_to_add, "a1|m1|email|1");
}

TEST(DispatchOutcomeDecision, GivingUpOnTemporaryFailuresRecordsFailedWithNoFallback) {
  const auto message = sms();
  SendFacts facts = facts_of(message);
  facts.email_fallback = true;
  facts.email_gateway = true;
  facts.attempt = 6;
  const OutcomeActions actions = decide_outcome(
      answer(Outcome::temporary), decided(Action::fail, "gave up after 6 attempts: 503"), facts);
  EXPECT_EQ(std::get<RecordResult>(actions.record).state, "failed:gave up after 6 attempts: 503");
  EXPECT_FALSE(actions.email);
}

TEST(DispatchOutcomeDecision, ACarrierOptOutIsRecordedWithTheAddressForTheRegistry) {
  const auto message = sms();
  SendFacts facts = facts_of(message);
  facts.email_fallback = true;
  const OutcomeActions actions =
      decide_outcome(answer(Outcome::opted_out), decided(Action::record_opt_out), facts);
  const auto& opted_out = std::get<RecordResult>(actions.record);
  EXPECT_EQ(opted_out.state, "opted_out");
  EXPECT_EQ(opted_out.address, "+15145550001");
  EXPECT_FALSE(actions.email);
}

}  // namespace
}  // namespace tocsin::dispatch
