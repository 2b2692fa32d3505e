// Taking work: jobs from the two streams (our own pending ones first after a restart, then
// new ones, urgent before routine), a silent daemon's jobs after claim_idle_ms, and due
// retries from q:retry; then the prepare step for their members. Whether a taken job goes
// on is decide_take's (job_decision.h); each prepared member goes to queue_member
// (engine_queue.cpp).

#include <spdlog/spdlog.h>

#include <algorithm>

#include "alerts/alert_keys.h"
#include "alerts/group_audience.h"
#include "alerts/rsvp_link.h"
#include "dispatch/dispatch_scripts.h"
#include "dispatch/engine_impl.h"
#include "dispatch/retry_repair.h"
#include "log/log.h"
#include "members/members_for_send.h"
#include "proto/config.pb.h"
#include "redis/client.h"
#include "redis/decode.h"

namespace tocsin::dispatch {
namespace {

namespace asio = boost::asio;
using std::chrono::milliseconds;

// The jobs of entries read or claimed from `queue`; entries deleted meanwhile (no fields)
// are returned with no alert, to be acknowledged.
std::vector<QueueEntry> jobs_of(const std::vector<redis::StreamEntry>& entries,
                                std::string_view queue) {
  std::vector<QueueEntry> jobs;
  jobs.reserve(entries.size());
  for (const redis::StreamEntry& entry : entries) {
    jobs.push_back({std::string(queue), entry.id, entry.value("alert"), entry.values("m")});
  }
  return jobs;
}

}  // namespace

asio::awaitable<bool> Engine::Impl::load_secret() {
  redis::Command create{"SET", std::string(alerts::kRsvpSecretKey), alerts::new_rsvp_secret(),
                        "NX"};
  auto created = co_await redis.exec(std::move(create));
  if (!created) co_return false;
  redis::Command get{"GET", std::string(alerts::kRsvpSecretKey)};
  auto stored = co_await redis.exec(std::move(get));
  auto secret = redis::decode<std::optional<std::string>>(stored);
  if (!secret || !*secret) co_return false;
  rsvp_secret = std::move(**secret);
  co_return true;
}

// Prepares the members of a job and queues their messages. Returns false when Redis
// failed: the caller tries again later.
asio::awaitable<bool> Engine::Impl::take(const QueueEntry& entry) {
  if (held_jobs.contains(entry.id)) co_return true;  // already ours and in progress
  auto job = std::make_shared<Job>();
  job->queue = entry.queue;
  job->entry_id = entry.id;
  job->alert_id = entry.alert_id;
  if (entry.alert_id.empty()) {  // deleted from the stream meanwhile
    held_jobs.emplace(entry.id, entry.queue);
    acknowledge(*job);
    co_return true;
  }
  held_jobs.emplace(entry.id, entry.queue);
  auto info = co_await alert_info(entry.alert_id);
  if (!info) {
    held_jobs.erase(entry.id);
    co_return false;
  }
  ++stats.jobs_taken;
  AlertInfo* alert = *info;
  if (decide_take(facts_of(alert)) == TakeAction::drop) {
    // Cancelled (or gone): nothing of it is sent any more.
    if (alert) stats.dropped += entry.members.size();
    acknowledge(*job);
    co_return true;
  }
  std::vector<std::string> retry_channels(entry.members.size());
  auto prepared = co_await prepare(*alert, entry.alert_id, entry.members, retry_channels);
  if (!prepared) {
    held_jobs.erase(entry.id);
    co_return false;
  }
  // Held open while its members are queued: one recorded at once (held for quiet hours,
  // failed) must not acknowledge the job before the rest are queued.
  ++job->open;
  for (size_t i = 0; i < prepared->size(); ++i) {
    queue_member(*alert, (*prepared)[i], job, nullptr);
  }
  if (--job->open == 0) acknowledge(*job);
  co_return true;
}

// Three reads and writes, each in one slot: the members' data in the roster's, a child's
// group in its parent's (with the parent's links), then the prepare step in the alert's.
asio::awaitable<std::optional<std::vector<Engine::Impl::Prepared>>> Engine::Impl::prepare(
    const AlertInfo& alert, const std::string& alert_id, const std::vector<std::string>& members,
    const std::vector<std::string>& retry_channels) {
  const auto failed = [&alert_id](std::string_view step, const std::string& why) {
    spdlog::warn("event=dispatch_prepare_failed alert={} step={} error={}", alert_id, step,
                 log::quote(why));
  };
  auto roster = co_await members::read_members_for_send(redis, members);
  if (!roster) {
    failed("members", roster.error().message());
    co_return std::nullopt;
  }
  std::vector<std::string> tags;
  tags.reserve(members.size());
  for (const auto& member : members) {
    tags.push_back(alerts::rsvp_tag(rsvp_secret, alert.rsvp_alert_id, member));
  }
  std::vector<std::string> left(members.size());
  if (alert.child) {
    auto states =
        co_await alerts::left_group_states(redis, alert.rsvp_alert_id, alert.target_group, members);
    if (!states) {
      failed("group", states.error().message());
      co_return std::nullopt;
    }
    left = std::move(*states);
    // A child's links are its parent's, where the answers count: stored before the
    // messages that carry them go (a link of a member not sent after all, opted out say,
    // is never seen).
    std::vector<redis::Command> links;
    for (size_t i = 0; i < members.size(); ++i) {
      if (!left[i].empty() || !(*roster)[i].stored) continue;
      links.push_back({"HSETNX", alerts::keys::links(alert.rsvp_alert_id), tags[i], members[i]});
    }
    if (!links.empty()) {
      auto written = co_await redis.exec_pipeline(std::move(links));
      if (!written) {
        failed("links", written.error().message());
        co_return std::nullopt;
      }
    }
  }
  std::vector<PrepareMember> batch;
  batch.reserve(members.size());
  for (size_t i = 0; i < members.size(); ++i) {
    batch.push_back({members[i], tags[i], retry_channels[i], (*roster)[i], left[i]});
  }
  std::vector<std::string> script_keys = prepare_keys(alert_id);
  std::vector<std::string> args =
      prepare_args(past_deadline(alert.facts(), now_ms()) ? "expire" : "send", alert.channels,
                   !alert.child, batch);
  auto reply = co_await redis.eval(prepare_script(), std::move(script_keys), std::move(args));
  // Per member: id, sms code, email code (prepare.lua).
  using Row = std::tuple<std::string, std::string, std::string>;
  std::string why;
  auto rows = redis::decode<std::vector<Row>>(reply, &why);
  if (!rows || rows->size() != members.size()) {
    failed("prepare", rows ? "one row per member expected" : why);
    co_return std::nullopt;
  }
  std::vector<Prepared> out;
  out.reserve(rows->size());
  for (size_t i = 0; i < rows->size(); ++i) {
    Prepared p;
    std::tie(p.member_id, p.codes[0], p.codes[1]) = std::move((*rows)[i]);
    members::MemberForSend& data = (*roster)[i];
    // The record only for a member with something to send (the renderer reads it).
    if (p.codes[0] == "send" || p.codes[1] == "send") p.bytes = std::move(data.record);
    p.addresses[0] = std::move(data.mobile);
    p.addresses[1] = std::move(data.email);
    p.tag = std::move(tags[i]);
    out.push_back(std::move(p));
  }
  co_return out;
}

// Reads jobs of one queue, non-blocking (the connection is shared, so it must never
// block): our own pending ones first (from "0", page after page), then new ones. An
// error reply (NOGROUP after a FLUSHALL or a Redis that lost its data: the consumer
// makes the group again) reads as no jobs.
asio::awaitable<Result<std::vector<QueueEntry>>> Engine::Impl::read_queue(
    redis::StreamConsumer& queue, int count) {
  std::string why;
  auto entries = co_await queue.read(count, &why);
  if (!entries) {
    if (entries.error() != redis::Errc::server_error &&
        entries.error() != redis::Errc::unexpected_reply) {
      co_return entries.error();
    }
    spdlog::warn("event=dispatch_read_failed queue={} error={}", queue.options().stream,
                 log::quote(why));
    co_return std::vector<QueueEntry>{};
  }
  co_return jobs_of(*entries, queue.options().stream);
}

// Jobs this consumer held when it last stopped (a crash, a kill -9): taken back first.
asio::awaitable<bool> Engine::Impl::recover_own_jobs() {
  for (redis::StreamConsumer* queue : {&urgent_jobs, &routine_jobs}) {
    while (queue->state().reading_pending()) {
      auto entries = co_await read_queue(*queue, 100);
      if (!entries) co_return false;
      if (entries->empty()) break;  // none left, or an error reply (logged)
      for (const QueueEntry& entry : *entries) {
        while (!co_await take(entry)) {
          if (stopping) co_return false;
          co_await reader_wakeup.wait(milliseconds(200));
        }
      }
    }
  }
  if (!held_jobs.empty()) spdlog::info("event=dispatch_recovered jobs={}", held_jobs.size());
  co_return true;
}

asio::awaitable<void> Engine::Impl::read_jobs() {
  while (!stopping && !co_await load_secret()) co_await reader_wakeup.wait(milliseconds(200));
  while (!stopping && !co_await recover_own_jobs()) {
    co_await reader_wakeup.wait(milliseconds(200));
  }
  const int job_size = config.dispatch().job_size();
  while (!stopping) {
    const size_t queued = ready_total();
    if (queued >= window) {
      co_await reader_wakeup.wait(milliseconds(50));
      continue;
    }
    const int count = static_cast<int>(std::clamp<size_t>((window - queued) / job_size, 1, 20));
    bool got_any = false;
    bool failed = false;
    // Urgent first: routine jobs are read only when no urgent job is waiting.
    for (redis::StreamConsumer* queue : {&urgent_jobs, &routine_jobs}) {
      auto entries = co_await read_queue(*queue, count);
      if (!entries) {
        failed = true;
        break;
      }
      for (const QueueEntry& entry : *entries) {
        while (!stopping && !co_await take(entry)) co_await reader_wakeup.wait(milliseconds(200));
      }
      if (!entries->empty()) {
        got_any = true;
        break;  // read the urgent queue again before any more routine jobs
      }
    }
    if (failed) {
      co_await reader_wakeup.wait(milliseconds(200));
    } else if (!got_any) {
      // Another daemon's send is seen within this; our own wakes us at once.
      co_await reader_wakeup.wait(milliseconds(50));
    }
  }
}

// --- retries ---------------------------------------------------------------------------

asio::awaitable<void> Engine::Impl::take_retries() {
  const int64_t lease = config.dispatch().claim_idle_ms();
  // First what a crash may have left out of q:retry, until Redis answers.
  while (!stopping) {
    auto restored = co_await repair_retry_queue(redis);
    if (restored) {
      if (*restored > 0) spdlog::warn("event=dispatch_retries_restored count={}", *restored);
      break;
    }
    co_await periodic(retry_tick, milliseconds(500));
  }
  while (!stopping) {
    co_await periodic(retry_tick, milliseconds(250));
    const size_t queued = ready_total();
    if (queued >= window || rsvp_secret.empty()) continue;
    std::vector<std::string> retry_keys{std::string(keys::kRetryQueue)};
    std::vector<std::string> args{std::to_string(now_ms()), std::to_string(lease),
                                  std::to_string(std::min<size_t>(window - queued, 500))};
    auto reply = co_await redis.eval(take_retries_script(), std::move(retry_keys), std::move(args));
    auto due = redis::decode<std::vector<std::string>>(reply);
    if (!due || due->empty()) continue;
    std::map<std::string, std::vector<RetryEntry>> by_alert;
    for (std::string& text : *due) {
      if (auto entry = parse_retry(std::move(text))) by_alert[entry->alert_id].push_back(*entry);
    }
    for (auto& [alert_id, entries] : by_alert) co_await retry(alert_id, entries);
  }
}

asio::awaitable<void> Engine::Impl::retry(const std::string& alert_id,
                                          const std::vector<RetryEntry>& entries) {
  auto info = co_await alert_info(alert_id);
  if (!info) co_return;  // the lease runs out and they come back
  AlertInfo* alert = *info;
  if (decide_take(facts_of(alert)) == TakeAction::drop) {
    for (const RetryEntry& entry : entries) {
      recorder.add(RecordCancelRetry{.alert_id = entry.alert_id,
                                     .member_id = entry.member_id,
                                     .channel = entry.channel,
                                     .entry_to_remove = entry.text});
      ++stats.dropped;
    }
    co_return;
  }
  std::vector<std::string> members;
  std::vector<std::string> channels;
  for (const RetryEntry& entry : entries) {
    members.push_back(entry.member_id);
    channels.push_back(entry.channel);
  }
  auto prepared = co_await prepare(*alert, alert_id, members, channels);
  if (!prepared) co_return;
  for (size_t i = 0; i < prepared->size() && i < entries.size(); ++i) {
    queue_member(*alert, (*prepared)[i], nullptr, &entries[i]);
  }
}

// --- keeping jobs, taking over a dead daemon's -----------------------------------------

asio::awaitable<void> Engine::Impl::keep_and_claim() {
  const int64_t idle = config.dispatch().claim_idle_ms();
  while (!stopping) {
    co_await periodic(claim_tick, milliseconds(idle / 3));
    if (stopping) break;
    // Not started yet (Redis away since the daemon started): look again next period.
    if (rsvp_secret.empty()) continue;
    // Touch the jobs we hold so no other daemon takes them over while we work on them.
    std::map<std::string, std::vector<std::string>> by_queue;
    for (const auto& [entry, queue] : held_jobs) by_queue[queue].push_back(entry);
    for (auto& [queue, entries] : by_queue) co_await jobs_of_queue(queue).keep(entries);
    // Take over the jobs of a consumer silent for longer than claim_idle_ms.
    for (redis::StreamConsumer* queue : {&urgent_jobs, &routine_jobs}) {
      auto claimed = co_await queue->claim();
      if (!claimed) continue;
      const std::vector<QueueEntry> entries = jobs_of(*claimed, queue->options().stream);
      if (!entries.empty()) {
        spdlog::info("event=dispatch_claimed queue={} jobs={}", queue->options().stream,
                     entries.size());
      }
      for (const QueueEntry& entry : entries) co_await take(entry);
    }
  }
}

redis::StreamConsumer& Engine::Impl::jobs_of_queue(std::string_view queue) {
  return queue == keys::kUrgentQueue ? urgent_jobs : routine_jobs;
}

}  // namespace tocsin::dispatch
