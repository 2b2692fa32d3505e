// A prepared member's messages, one per channel prepare.lua answered for: each goes where
// decide_channel (job_decision.h) says, onto its channel's ready queue or straight to the
// recorder (held for quiet hours, expired, failed, settled before); and the one log line
// per alert and quiet window that says how many were held.

#include <spdlog/spdlog.h>

#include "alerts/rsvp_link.h"
#include "dispatch/engine_impl.h"
#include "proto/config.pb.h"
#include "proto/tocsin.pb.h"

namespace tocsin::dispatch {

// For a retry, `retry` is its entry and only its channel is considered (prepare.lua answers
// "none" for the other).
void Engine::Impl::queue_member(const AlertInfo& alert, const Prepared& prepared,
                                const std::shared_ptr<Job>& job, const RetryEntry* retry) {
  namespace act = channel_action;
  Member member;
  const bool has_member = !prepared.bytes.empty() && member.ParseFromString(prepared.bytes);
  const Alert& stored = alert.renderer->alert();
  const std::string from = retry ? retry->text : std::string();
  // Recorded at once rather than queued; the job stays open until it is written.
  auto record_now = [&](RecordItem item) {
    if (job) ++job->open;
    complete(job.get(), std::move(item));
  };
  static const char* const kChannels[2] = {"sms", "email"};
  for (int c = 0; c < 2; ++c) {
    const std::string channel = kChannels[c];
    const auto queue = ready.find(channel);
    const ChannelAction action =
        decide_channel({.channel = channel,
                        .code = prepared.codes[c],
                        .member_readable = has_member,
                        .quiet_until = quiet.until(stored, channel, now_ms()),
                        .deadline_ms = alert.expires_at_ms,
                        .has_gateway = queue != ready.end(),
                        .is_retry = retry != nullptr});
    if (std::holds_alternative<act::Skip>(action)) continue;
    if (std::holds_alternative<act::Settle>(action)) {
      // The member already has a final state: the record step only removes the entry.
      recorder.add(RecordResult{.alert_id = retry->alert_id,
                                .member_id = retry->member_id,
                                .channel = retry->channel,
                                .state = "skipped:settled",
                                .entry_to_remove = retry->text});
      continue;
    }
    if (const auto* final = std::get_if<act::Final>(&action)) {
      count_final(final->state);
      if (final->write) {
        recorder.add(RecordResult{.alert_id = retry->alert_id,
                                  .member_id = retry->member_id,
                                  .channel = retry->channel,
                                  .state = final->state,
                                  .entry_to_remove = retry->text});
      }
      continue;
    }
    RecordResult result{.alert_id = stored.id(),
                        .member_id = prepared.member_id,
                        .channel = channel,
                        .entry_to_remove = from};
    if (const auto* fail = std::get_if<act::Fail>(&action)) {
      count_final(keys::delivery_state::kFailed);
      result.state = "failed:" + fail->reason;
      record_now(std::move(result));
      continue;
    }
    if (std::holds_alternative<act::Expire>(action)) {
      count_final(keys::delivery_state::kExpired);
      result.state = keys::delivery_state::kExpired;
      record_now(std::move(result));
      continue;
    }
    if (const auto* hold = std::get_if<act::Hold>(&action)) {
      // The member's state is "retrying" and the alert counts it in retries_pending, so it
      // is not `sent` while messages wait.
      ++stats.held;
      record_now(RecordRetry{.alert_id = stored.id(),
                             .member_id = prepared.member_id,
                             .channel = channel,
                             .due_ms = hold->until_ms,
                             .entry_to_add = retry_text(stored.id(), prepared.member_id, channel,
                                                        retry ? retry->attempt : 1),
                             .entry_to_remove = from});
      HoldCount& count = hold_counts[{stored.id(), hold->until_ms}];
      ++count.held;
      count.last = Clock::now();
      continue;
    }
    // act::Queue
    const std::string link =
        alerts::rsvp_link(config.http().public_url(), stored.code(), prepared.tag);
    Pending pending;
    pending.job = job;
    pending.message = alert.renderer->render(member, channel, prepared.addresses[c], link);
    pending.email_fallback = c == 0 && alert.channels == "sms" && !prepared.addresses[1].empty();
    if (retry) {
      pending.retry_entry = retry->text;
      pending.attempt = retry->attempt;
    }
    if (job) ++job->open;
    (alert.urgent ? queue->second->urgent : queue->second->routine).push_back(std::move(pending));
    queue->second->wakeup.notify();
  }
}

// One line per alert and window, once no message of it was held for a second (a blast
// holds its members within moments of each other): not a line per member.
void Engine::Impl::log_holds() {
  const auto now = Clock::now();
  for (auto it = hold_counts.begin(); it != hold_counts.end();) {
    HoldCount& count = it->second;
    if (count.held > count.logged && now - count.last >= std::chrono::seconds(1)) {
      spdlog::info("event=dispatch_quiet_hours_hold alert={} held={} until={}", it->first.first,
                   count.held - count.logged, it->first.second);
      count.logged = count.held;
    }
    // Forgotten an hour after its last hold.
    if (count.held == count.logged && now - count.last > std::chrono::hours(1)) {
      it = hold_counts.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace tocsin::dispatch
