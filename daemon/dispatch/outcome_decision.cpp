#include "dispatch/outcome_decision.h"

#include <string>

#include "alerts/alert_keys.h"
#include "dispatch/dispatch_keys.h"
#include "dispatch/retry_entry.h"

namespace tocsin::dispatch {
namespace {

namespace delivery_state = alerts::keys::delivery_state;

RecordResult final_state(const SendFacts& facts, std::string state) {
  return {.alert_id = facts.message.alert_id,
          .member_id = facts.message.member_id,
          .channel = facts.message.channel,
          .state = std::move(state),
          .entry_to_remove = std::string(facts.retry_entry),
          .is_message = true};
}

RecordRetry email_instead(const SendFacts& facts) {
  const adapters::OutgoingMessage& message = facts.message;
  return {.alert_id = message.alert_id,
          .member_id = message.member_id,
          .channel = "email",
          .due_ms = facts.now_ms,
          .entry_to_add = retry_text(message.alert_id, message.member_id, "email", 1)};
}

}  // namespace

OutcomeActions decide_outcome(const SendResult& result, const RetryDecision& decision,
                              const SendFacts& facts) {
  OutcomeActions actions;
  switch (decision.action) {
    case RetryDecision::Action::done: {
      RecordResult sent = final_state(facts, std::string(delivery_state::kSent));
      sent.message_id = result.message_id;
      if (facts.gateway_receipts && !result.message_id.empty()) {
        sent.receipt_key = keys::receipt(facts.gateway, result.message_id);
      }
      // Unconfirmed (the provider got the request but did not answer) counts as sent:
      // sending again could give the member a second SMS (send_result.h). An SMS-only
      // alert also emails the member: if the provider did lose the SMS, they still get the
      // call (at worst both), never the same SMS twice.
      if (result.outcome == Outcome::unconfirmed) {
        actions.unconfirmed = true;
        if (facts.email_fallback && facts.email_gateway) actions.email = email_instead(facts);
      }
      actions.record = std::move(sent);
      return actions;
    }
    case RetryDecision::Action::retry: {
      const adapters::OutgoingMessage& message = facts.message;
      actions.record = RecordRetry{.alert_id = message.alert_id,
                                   .member_id = message.member_id,
                                   .channel = message.channel,
                                   .due_ms = facts.now_ms + decision.delay.count(),
                                   .entry_to_add = retry_text(message.alert_id, message.member_id,
                                                              message.channel, facts.attempt + 1),
                                   .entry_to_remove = std::string(facts.retry_entry),
                                   .is_message = true};
      return actions;
    }
    case RetryDecision::Action::fail:
      // A permanent failure (a landline, an invalid number) of an SMS-only alert's SMS:
      // the member's email carries the call.
      if (facts.email_fallback && result.outcome == Outcome::permanent) {
        actions.email = email_instead(facts);
      }
      actions.record = final_state(facts, "failed:" + decision.reason);
      return actions;
    case RetryDecision::Action::record_opt_out: {
      RecordResult opted_out = final_state(facts, std::string(delivery_state::kOptedOut));
      opted_out.address = facts.message.to;
      actions.record = std::move(opted_out);
      return actions;
    }
  }
  return actions;
}

}  // namespace tocsin::dispatch
