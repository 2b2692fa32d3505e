#include "dispatch/job_decision.h"

#include "alerts/alert_keys.h"

namespace tocsin::dispatch {
namespace {

namespace state = alerts::keys::state;

}  // namespace

bool past_deadline(const AlertFacts& alert, int64_t now_ms) {
  return alert.deadline_ms > 0 && now_ms >= alert.deadline_ms;
}

TakeAction decide_take(const std::optional<AlertFacts>& alert) {
  return alert && alert->state == state::kSending ? TakeAction::prepare : TakeAction::drop;
}

ChannelAction decide_channel(const ChannelFacts& facts) {
  using namespace channel_action;
  if (facts.code == "none") return Skip{};
  if (facts.code == "done") {
    if (facts.is_retry) return Settle{};
    return Skip{};
  }
  if (facts.code != "send") {
    // A final state: written already for a job; to be written for a retry, which leaves
    // q:retry only through the record step.
    return Final{std::string(facts.code), facts.is_retry};
  }
  // Claimed, but the stored record does not parse: fail it visibly, never silently.
  if (!facts.member_readable) return Fail{"unreadable member record"};
  if (facts.quiet_until) {
    if (facts.deadline_ms > 0 && *facts.quiet_until >= facts.deadline_ms) return Expire{};
    return Hold{*facts.quiet_until};
  }
  // No gateway for this channel: a configuration problem, reported per message so the
  // turnout shows it rather than a blast that never ends.
  if (!facts.has_gateway) return Fail{"no " + std::string(facts.channel) + " gateway configured"};
  return Queue{};
}

ReadyAction decide_ready(const ReadyFacts& facts) {
  if (facts.direct) return ReadyAction::send;
  if (decide_take(facts.alert) == TakeAction::drop) return ReadyAction::drop;
  if (past_deadline(*facts.alert, facts.now_ms)) return ReadyAction::expire;
  // STOP arrived after the member was prepared: recorded as opted out, never sent.
  if (facts.opted_out_since) return ReadyAction::opted_out;
  if (!facts.opt_out_fresh) return ReadyAction::check_opt_out;
  return ReadyAction::send;
}

}  // namespace tocsin::dispatch
