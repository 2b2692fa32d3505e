#include "dispatch/send_queue.h"

#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/this_coro.hpp>

#include <chrono>
#include <random>

#include "alerts/alert_keys.h"
#include "alerts/alert_scripts.h"
#include "alerts/audience_set.h"
#include "alerts/child_alert.h"
#include "alerts/rfc3339.h"
#include "log/log.h"
#include "members/audience.h"
#include "members/audience_counter.h"
#include "proto/config.pb.h"
#include "proto/tocsin.pb.h"
#include "redis/client.h"
#include "redis/script.h"
#include "schedule/scheduler.h"
#include "turnout/targeting.h"
#include "util/clock.h"

namespace tocsin::dispatch {
namespace {

namespace keys = alerts::keys;

// KEYS: alert hash, staged audience, frozen audience, queue, audit, the scheduler's
// `schedule` ZSET (schedule/scheduler.h).
// ARGV: now (ms), actor name, approval threshold, job size, alert id, origin ("officer" or
// "schedule"), the actor's token id (empty for the scheduler), then the due time (ms) of
// each of the alert's escalation waves.
//
// An officer starts a draft or approved alert; the scheduler only a scheduled one, so a
// cancel that answered before this script ran wins (cancelled is refused). What the
// scheduler is refused is recorded on the alert, since no one is there to read the
// answer: past its expiry it is cancelled by "expiry"; above the approval threshold
// without a second executive's approval it goes back to an unapproved draft.
//
// The audience was materialized into a staging key before this script: the state is
// checked again here, and only then does the staging set become the frozen audience
// (RENAME), so two concurrent sends cannot both queue jobs, nor the loser overwrite the
// winner's frozen audience. Each job is one stream entry: the alert id and up to
// job_size "m" fields of member ids (stream fields may repeat; ids may contain any
// character, so no separator is needed).
//
// The alert's waves (escalation/wave_runner.h) are scheduled in the same step as the jobs,
// as items "wave|<id>|<n>": a crash never leaves a sent alert without its reminders.
//
// The whole script blocks Redis while it runs: about 0.1 s for 150,000 members
// (tests/bench/send_start_bench.cpp), once per alert.
const redis::Script& start_script() {
  static const redis::Script script(std::string(alerts::kAuditedLua) + R"lua(
local alert, staged, frozen, queue, audit = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local schedule = KEYS[6]
local now, actor = ARGV[1], ARGV[2]
local threshold, job_size, id = tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5]
local from_schedule = ARGV[6] == 'schedule'
local token = ARGV[7] ~= '' and (' token=' .. ARGV[7]) or ''
local f = redis.call('HMGET', alert, 'state', 'created_by_token', 'approved_by_token',
                     'expires_at_ms')
local function refuse(status, state, size)
  redis.call('DEL', staged)
  return { status, state or '', size or 0, 0 }
end
if not f[1] then return refuse('not_found') end
local state = f[1]
if from_schedule then
  if state ~= 'scheduled' then return refuse('wrong_state', state) end
elseif state ~= 'draft' and state ~= 'approved' then
  return refuse('wrong_state', state)
end
local expires = tonumber(f[4] or '0') or 0
if expires > 0 and expires <= tonumber(now) then
  if from_schedule then
    redis.call('HSET', alert, 'state', 'cancelled', 'cancelled_by', 'expiry',
               'cancelled_at_ms', now)
    audited(audit, alert, 'actor', actor, 'action', 'alert.schedule_expired',
               'subject', id, 'detail', 'expires_at_ms=' .. expires .. ' nothing sent')
    return refuse('expired', 'cancelled')
  end
  return refuse('expired', state)
end
local size = redis.call('SCARD', staged)
-- Approved by a second executive: approved_by_token set and not the creator's (a
-- scheduled alert keeps the approval it had when it was scheduled).
local second = f[3] and f[3] ~= f[2]
if size > threshold and not ((state == 'approved' or state == 'scheduled') and second) then
  if from_schedule then
    redis.call('HSET', alert, 'state', 'draft')
    redis.call('HDEL', alert, 'approved_by', 'approved_by_token', 'approved_at_ms')
    audited(audit, alert, 'actor', actor, 'action', 'alert.schedule_refused',
               'subject', id, 'detail', 'members=' .. size .. ' threshold=' .. threshold ..
               ' needs a second executive\'s approval; nothing sent')
    return refuse('needs_approval', 'draft', size)
  end
  return refuse('needs_approval', state, size)
end

if size > 0 then
  redis.call('RENAME', staged, frozen)
else
  redis.call('DEL', staged, frozen)
end
local ids = size > 0 and redis.call('SMEMBERS', frozen) or {}
local jobs = 0
for first = 1, #ids, job_size do
  local entry = { queue, '*', 'alert', id }
  for j = first, math.min(first + job_size - 1, #ids) do
    entry[#entry + 1] = 'm'
    entry[#entry + 1] = ids[j]
  end
  redis.call('XADD', unpack(entry))
  jobs = jobs + 1
end
local new_state = jobs > 0 and 'sending' or 'sent'
redis.call('HSET', alert, 'state', new_state, 'audience_size', size, 'sending_at_ms', now,
           'sent_by', actor, 'jobs_pending', jobs, 'retries_pending', 0)
if jobs == 0 then redis.call('HSET', alert, 'finished_at_ms', now) end
if jobs > 0 then
  for i = 8, #ARGV do redis.call('ZADD', schedule, ARGV[i], 'wave|' .. id .. '|' .. (i - 7)) end
end
audited(audit, alert, 'actor', actor, 'action', 'alert.send', 'subject', id,
           'detail', 'members=' .. size .. ' jobs=' .. jobs ..
                     (from_schedule and ' scheduled' or '') .. token)
return { 'started', new_state, size, jobs }
)lua");
  return script;
}

// KEYS: alert hash, staged audience, audit, the scheduler's `schedule` and
// `schedule:running` ZSETs (schedule/scheduler.h).
// ARGV: now (ms), actor name, approval threshold, alert id, send_at (ms), actor's token id.
//
// The checks of start_script on the audience as it is now (the staged copy, deleted
// here: nothing is frozen until the alert is sent), then, at once, the state `scheduled`,
// its audit entry and the scheduler's item "send|<id>", so a crash never leaves a
// scheduled alert without the item that sends it. The item is added as
// Scheduler::schedule does (not over one running now).
const redis::Script& schedule_script() {
  static const redis::Script script(std::string(alerts::kAuditedLua) + R"lua(
local alert, staged, audit, due, running = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local now, actor, threshold, id = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4]
local send_at, token = ARGV[5], ARGV[6]
local f = redis.call('HMGET', alert, 'state', 'created_by_token', 'approved_by_token',
                     'expires_at_ms')
local size = redis.call('SCARD', staged)
redis.call('DEL', staged)
if not f[1] then return { 'not_found', '', 0 } end
local state = f[1]
if state ~= 'draft' and state ~= 'approved' then return { 'wrong_state', state, 0 } end
local expires = tonumber(f[4] or '0') or 0
if expires > 0 and expires <= tonumber(now) then return { 'expired', state, 0 } end
if size > threshold and (state ~= 'approved' or f[3] == f[2]) then
  return { 'needs_approval', state, size }
end
redis.call('HSET', alert, 'state', 'scheduled', 'send_at_ms', send_at, 'scheduled_by', actor)
audited(audit, alert, 'actor', actor, 'action', 'alert.schedule', 'subject', id,
           'detail', 'send_at_ms=' .. send_at .. ' members_now=' .. size .. ' token=' .. token)
local item = 'send|' .. id
if not redis.call('ZSCORE', running, item) then redis.call('ZADD', due, send_at, item) end
return { 'scheduled', 'scheduled', size }
)lua");
  return script;
}

// Counts the frozen audience as targeted (turnout/targeting.h). Whoever it misses (Redis
// away, the daemon stopped) is counted by the engine's prepare step instead.
boost::asio::awaitable<void> count_audience(redis::Client& redis, std::string alert_id) {
  auto counted = co_await turnout::count_targeted(redis, alert_id);
  if (!counted) {
    spdlog::warn("event=turnout_targeting_incomplete alert={} error={}", alert_id,
                 log::quote(counted.error().message()));
  }
}

// Unique per call, in the alert's hash slot.
std::string staging_key(const std::string& alert_id) {
  thread_local std::mt19937_64 random{std::random_device{}()};
  return keys::audience(alert_id) + ":staging:" + std::to_string(random());
}

SendStart::Status parse_status(const std::string& word) {
  using S = SendStart::Status;
  if (word == "started") return S::started;
  if (word == "scheduled") return S::scheduled;
  if (word == "wrong_state") return S::wrong_state;
  if (word == "needs_approval") return S::needs_approval;
  if (word == "expired") return S::expired;
  return S::not_found;
}

std::string explain(const SendStart& start, int64_t threshold) {
  using S = SendStart::Status;
  switch (start.status) {
    case S::started:
    case S::scheduled:
      return {};
    case S::not_found:
      return "no such alert";
    case S::wrong_state:
      if (start.state == "scheduled") {
        return "the alert is scheduled; cancel it to send it otherwise";
      }
      return "the alert is " + start.state + "; only a draft or approved alert can be sent";
    case S::needs_approval:
      return "the audience has " + std::to_string(start.audience_size) + " members, more than " +
             std::to_string(threshold) +
             ": a second executive (not the alert's creator) must approve it first";
    case S::expired:
      return "the alert has expired: nothing would be sent";
  }
  return {};
}

}  // namespace

SendQueue::SendQueue(redis::Client& redis, const config::Config& config, const Clock& clock)
    : redis_(redis), config_(config), clock_(clock) {
  redis_.load_on_connect(start_script());
  redis_.load_on_connect(schedule_script());
}

boost::asio::awaitable<Result<SendStart>> SendQueue::start(std::string alert_id,
                                                           auth::Principal who,
                                                           SendStart::Origin origin) {
  const std::string alert_key = keys::alert(alert_id);
  redis::Command read{"HMGET", alert_key, std::string(keys::field::kProto),
                      std::string(keys::field::kKind), std::string(keys::field::kState)};
  auto fields = co_await redis_.exec(std::move(read));
  if (!fields) co_return fields.error();
  if (fields->is_error()) co_return std::make_error_code(std::errc::resource_unavailable_try_again);
  SendStart start;
  Alert alert;
  if (fields->elements.size() != 3 || fields->elements[0].is_nil() ||
      !alert.ParseFromString(fields->elements[0].str)) {
    start.message = explain(start, 0);
    co_return start;
  }
  const bool urgent = fields->elements[1].str == "urgent";
  const bool from_schedule = origin == SendStart::Origin::schedule;
  // The scheduler's item of an alert already started (a crash before the item was done)
  // or cancelled: nothing to freeze. The script checks the state again, atomically.
  if (from_schedule && fields->elements[2].str != keys::state::kScheduled) {
    start.status = SendStart::Status::wrong_state;
    start.state = fields->elements[2].str;
    start.message = explain(start, 0);
    co_return start;
  }
  // Ahead of the clock: scheduled, on the audience counted below but not frozen.
  const auto send_at = alerts::parse_rfc3339(alert.send_at());
  const int64_t now_ms = clock_.now_ms();
  int64_t send_at_ms = 0;
  if (send_at) {
    send_at_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                     send_at->time_since_epoch())
                     .count();
  }
  const bool scheduling = !from_schedule && send_at && send_at_ms > now_ms;

  // The expression's members now, or a child's group of its parent's audience now.
  const std::string staged = staging_key(alert_id);
  auto materialized = co_await alerts::materialize_audience(redis_, alert, staged);
  if (!materialized) co_return materialized.error();

  const int64_t threshold = config_.alerts().approval_threshold();
  if (scheduling) co_return co_await schedule(alert_id, who, staged, send_at_ms, now_ms);
  std::vector<std::string> script_keys{alert_key,
                                       staged,
                                       keys::audience(alert_id),
                                       std::string(urgent ? keys::kUrgentQueue
                                                          : keys::kRoutineQueue),
                                       std::string(keys::kAudit),
                                       std::string(schedule::kDueKey)};
  std::vector<std::string> args{std::to_string(now_ms),
                                who.name,
                                std::to_string(threshold),
                                std::to_string(config_.dispatch().job_size()),
                                alert_id,
                                from_schedule ? "schedule" : "officer",
                                who.token_id};
  for (const Wave& wave : alert.waves()) {
    args.push_back(std::to_string(escalation::wave_due_ms(wave, now_ms)));
  }
  auto reply = co_await redis_.eval(start_script(), std::move(script_keys), std::move(args));
  if (!reply) co_return reply.error();
  const auto& e = reply->elements;
  if (reply->type != redis::Reply::Type::array || e.size() != 4) {
    spdlog::error("event=send_start_failed alert={} error={}", alert_id,
                  log::quote(reply->is_error() ? reply->str : "unexpected reply"));
    co_return std::make_error_code(std::errc::io_error);
  }
  start.status = parse_status(e[0].str);
  start.state = e[1].str;
  start.audience_size = e[2].integer;
  start.jobs = e[3].integer;
  start.message = explain(start, threshold);
  if (start.status == SendStart::Status::started) {
    spdlog::info("event=alert_sending alert={} by={} members={} jobs={} queue={} scheduled={}",
                 alert_id, log::quote(who.name), start.audience_size, start.jobs,
                 urgent ? "urgent" : "routine", from_schedule);
    // The turnout's `targeted`, counted beside the blast rather than before answering.
    boost::asio::co_spawn(co_await boost::asio::this_coro::executor,
                          count_audience(redis_, alert_id), [](std::exception_ptr error) {
                            if (error) spdlog::error("event=turnout_targeting_failed");
                          });
  }
  co_return start;
}

boost::asio::awaitable<Result<SendStart>> SendQueue::schedule(const std::string& alert_id,
                                                              const auth::Principal& who,
                                                              const std::string& staged,
                                                              int64_t send_at_ms, int64_t now_ms) {
  const int64_t threshold = config_.alerts().approval_threshold();
  std::vector<std::string> script_keys{keys::alert(alert_id), staged, std::string(keys::kAudit),
                                       std::string(schedule::kDueKey),
                                       std::string(schedule::kRunningKey)};
  std::vector<std::string> args{std::to_string(now_ms),     who.name, std::to_string(threshold),
                                alert_id, std::to_string(send_at_ms), who.token_id};
  auto reply = co_await redis_.eval(schedule_script(), std::move(script_keys), std::move(args));
  if (!reply) co_return reply.error();
  const auto& e = reply->elements;
  if (reply->type != redis::Reply::Type::array || e.size() != 3) {
    spdlog::error("event=send_schedule_failed alert={} error={}", alert_id,
                  log::quote(reply->is_error() ? reply->str : "unexpected reply"));
    co_return std::make_error_code(std::errc::io_error);
  }
  SendStart start;
  start.status = parse_status(e[0].str);
  start.state = e[1].str;
  start.audience_size = e[2].integer;
  start.message = explain(start, threshold);
  if (start.status == SendStart::Status::scheduled) {
    start.send_at_ms = send_at_ms;
    spdlog::info("event=alert_scheduled alert={} by={} send_at_ms={} members_now={}", alert_id,
                 log::quote(who.name), send_at_ms, start.audience_size);
  }
  co_return start;
}

}  // namespace tocsin::dispatch
