// The hand-off to gateways: one pump per channel takes the head of its ready queue, asks
// decide_ready (job_decision.h) whether it goes, is dropped, expired or opted out, and sends
// it through the gateway GatewayPool picks at its rate; each answer goes through the retry
// policy and decide_outcome (outcome_decision.h) to the recorder, and a job is acknowledged
// once all its messages are recorded.

#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "dispatch/engine_impl.h"
#include "dispatch/outcome_decision.h"
#include "log/log.h"
#include "members/member_keys.h"
#include "proto/config.pb.h"
#include "redis/client.h"
#include "redis/decode.h"

namespace tocsin::dispatch {
namespace {

namespace asio = boost::asio;
using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

// --- opt-outs that arrive during a blast -------------------------------------------------
// The prepare script skips members already opted out, but a blast prepares a few seconds
// of messages ahead of the gateways, and a member may text STOP meanwhile. So each
// message's address is looked up again in the opt-out registry just before it is handed
// to a gateway: at most kOptOutFreshness before, one SMISMEMBER for the next messages of
// the lane (up to kOptOutBatch), so the cost stays one small command per batch however
// fast the gateways are, and at slow rates about one per message.
constexpr Clock::duration kOptOutFreshness = milliseconds(10);
constexpr size_t kOptOutBatch = 256;

}  // namespace

asio::awaitable<void> Engine::Impl::pump(std::string channel) {
  ReadyQueue& queue = *ready.at(channel);
  const uint64_t max_in_flight = static_cast<uint64_t>(config.dispatch().max_in_flight());
  unsigned since_yield = 0;
  while (!stopping) {
    if (queue.empty()) {
      co_await queue.wakeup.wait(std::chrono::seconds(1));
      continue;
    }
    if (stats.in_flight >= max_in_flight) {
      co_await queue.wakeup.wait(std::chrono::seconds(1));
      continue;
    }
    auto& lane = queue.front_queue();
    Pending& next = lane.front();
    std::optional<AlertFacts> alert;
    if (auto found = alerts.find(next.message.alert_id); found != alerts.end()) {
      alert = found->second.facts();
    }
    const ReadyAction action =
        decide_ready({.direct = static_cast<bool>(next.on_sent),
                      .alert = alert,
                      .now_ms = now_ms(),
                      .opted_out_since = next.opted_out_since,
                      .opt_out_fresh = Clock::now() - next.opt_out_checked <= kOptOutFreshness});
    if (action == ReadyAction::check_opt_out) {
      if (!co_await check_opt_outs(lane, channel)) {
        co_await queue.wakeup.wait(milliseconds(200));  // Redis away: send nothing unchecked
      }
      continue;  // the lanes may have changed meanwhile: look again
    }
    if (action == ReadyAction::drop) {
      drop(next);
      lane.pop_front();
      continue;
    }
    if (action == ReadyAction::expire || action == ReadyAction::opted_out) {
      // STOP arrived after the member was prepared: recorded as opted out, never sent.
      if (action == ReadyAction::opted_out) ++stats.stopped_before_send;
      const std::string_view state = action == ReadyAction::expire
                                         ? keys::delivery_state::kExpired
                                         : keys::delivery_state::kOptedOut;
      count_final(state);
      complete(next.job.get(), RecordResult{.alert_id = next.message.alert_id,
                                            .member_id = next.message.member_id,
                                            .channel = next.message.channel,
                                            .state = std::string(state),
                                            .entry_to_remove = next.retry_entry});
      lane.pop_front();
      continue;
    }
    const auto picked = pool.pick(channel, next.message.segments, Clock::now());
    if (!picked.slot) {
      co_await queue.wakeup.wait(picked.wait);
      continue;
    }
    Pending pending = std::move(next);
    lane.pop_front();
    ++stats.in_flight;
    reader_wakeup.notify();
    adapters::GatewayRequest request = picked.slot->gateway->build(pending.message);
    if (auto* local = std::get_if<adapters::LocalWrite>(&request)) {
      finish(pending, picked, requests.files().write(*local));
    } else {
      ++running_tasks;
      asio::co_spawn(executor, send(std::move(pending), picked, std::move(request)),
                     asio::detached);
    }
    // A blast through a local gateway never suspends otherwise: let the reader, the
    // recorder and the HTTP server have the loop now and then.
    if (++since_yield % 64 == 0) co_await asio::post(executor, asio::use_awaitable);
  }
}

// False when Redis did not answer: the caller waits and nothing is sent unchecked.
asio::awaitable<bool> Engine::Impl::check_opt_outs(std::deque<Pending>& lane,
                                                   const std::string& channel) {
  const auto asked = Clock::now();
  // References into a deque stay valid while others are pushed at its back; only this
  // channel's pump takes messages out, and it is the one waiting here.
  std::vector<Pending*> batch;
  redis::Command command{"SMISMEMBER", std::string(members::keys::opt_out_registry(channel))};
  for (Pending& pending : lane) {
    if (batch.size() == kOptOutBatch) break;
    if (pending.on_sent || pending.opted_out_since) continue;
    batch.push_back(&pending);
    command.push_back(pending.message.to);
  }
  if (batch.empty()) co_return true;
  auto reply = co_await redis.exec(std::move(command));
  std::string why;
  auto opted_out = redis::decode<std::vector<int64_t>>(reply, &why);
  if (opted_out && opted_out->size() != batch.size()) {
    why = "expected " + std::to_string(batch.size()) + " answers, got " +
          std::to_string(opted_out->size());
  }
  if (!opted_out || opted_out->size() != batch.size()) {
    spdlog::warn("event=dispatch_opt_out_check_failed channel={} error={}", channel,
                 log::quote(why));
    co_return false;
  }
  for (size_t i = 0; i < batch.size(); ++i) {
    batch[i]->opt_out_checked = asked;
    if ((*opted_out)[i] == 1) batch[i]->opted_out_since = true;
  }
  co_return true;
}

asio::awaitable<void> Engine::Impl::send(Pending pending, GatewayPool::Pick picked,
                                         adapters::GatewayRequest request) {
  auto self = shared_from_this();
  adapters::GatewayResponse response;
  try {
    response = co_await requests.execute(std::move(request));
  } catch (const std::exception& e) {
    response.transport_error = -1;
    response.transport_message = e.what();
  }
  finish(pending, picked, response);
  --running_tasks;
  stopped.notify();
  ready.at(pending.message.channel)->wakeup.notify();
}

void Engine::Impl::finish(const Pending& pending, const GatewayPool::Pick& picked,
                          const adapters::GatewayResponse& response) {
  GatewaySlot& slot = *picked.slot;
  const SendResult result = slot.gateway->classify(pending.message, response);
  const RetryDecision decision = decide(policy, result, pending.attempt, uniform());
  pool.on_result(slot, picked.ticket, response.written_at, result, decision, Clock::now());
  if (pending.on_sent) {
    if (stats.in_flight > 0) --stats.in_flight;
    ++stats.direct;
    pending.on_sent(result);
    return;
  }
  OutcomeActions actions = decide_outcome(result, decision,
                                          {.message = pending.message,
                                           .retry_entry = pending.retry_entry,
                                           .attempt = pending.attempt,
                                           .email_fallback = pending.email_fallback,
                                           .email_gateway = ready.contains("email"),
                                           .gateway = slot.gateway->name(),
                                           .gateway_receipts = slot.gateway->has_receipts(),
                                           .now_ms = now_ms()});
  if (actions.unconfirmed) note_unconfirmed(slot, result);
  if (actions.email) {
    recorder.add(std::move(*actions.email));
    ++stats.fallbacks;
  }
  if (const auto* final = std::get_if<RecordResult>(&actions.record)) {
    count_final(final->state);
  } else {
    ++stats.retries;
  }
  complete(pending.job.get(), std::move(actions.record));
}

// One log line per gateway and second at most: a provider that stops answering during
// a blast would otherwise write one per message.
void Engine::Impl::note_unconfirmed(const GatewaySlot& slot, const SendResult& result) {
  ++stats.unconfirmed;
  const auto now = Clock::now();
  UnconfirmedLog& log = unconfirmed_log[slot.gateway->name()];
  ++log.unlogged;
  if (now - log.last < std::chrono::seconds(1)) return;
  spdlog::warn("event=dispatch_unconfirmed gateway={} messages={} reason={}", slot.gateway->name(),
               log.unlogged, log::quote(result.reason));
  log.last = now;
  log.unlogged = 0;
}

// A message of a cancelled alert: not sent, no state (it was never attempted).
void Engine::Impl::drop(const Pending& pending) {
  ++stats.dropped;
  if (!pending.retry_entry.empty()) {
    recorder.add(RecordCancelRetry{.alert_id = pending.message.alert_id,
                                   .member_id = pending.message.member_id,
                                   .channel = pending.message.channel,
                                   .entry_to_remove = pending.retry_entry});
  }
  if (pending.job && --pending.job->open == 0) acknowledge(*pending.job);
}

// --- recording ----------------------------------------------------------------------------

// A recorded outcome for a message of `job` (null for a retry): the job is acknowledged
// after its last one.
void Engine::Impl::complete(Job* job, RecordItem item) {
  recorder.add(std::move(item));
  if (job && --job->open == 0) acknowledge(*job);
}

void Engine::Impl::acknowledge(const Job& job) {
  recorder.add(RecordAck{.alert_id = job.alert_id, .queue = job.queue, .entry_id = job.entry_id});
}

void Engine::Impl::on_written(const std::vector<RecordItem>& items) {
  for (const RecordItem& item : items) {
    if (is_message(item) && stats.in_flight > 0) --stats.in_flight;
    if (const auto* ack = std::get_if<RecordAck>(&item)) held_jobs.erase(ack->entry_id);
  }
  stats.alerts_finished = recorder.alerts_finished();
  // Room in the in-flight window: a pump waiting for it may go on.
  for (auto& [channel, queue] : ready) queue->wakeup.notify();
}

void Engine::Impl::count_final(std::string_view state) {
  namespace delivery = keys::delivery_state;
  if (state == delivery::kSent) {
    ++stats.sent;
  } else if (state.starts_with(delivery::kFailed)) {
    ++stats.failed;
  } else if (state == delivery::kOptedOut) {
    ++stats.opted_out;
  } else if (state == delivery::kExpired) {
    ++stats.expired;
  } else if (state.starts_with(delivery::kSkipped)) {
    ++stats.skipped;
  }
}

}  // namespace tocsin::dispatch
