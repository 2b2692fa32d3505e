#include "dispatch/send_queue.h"

#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/this_coro.hpp>

#include <chrono>
#include <random>

#include "alerts/alert_keys.h"
#include "log/log.h"
#include "members/audience.h"
#include "members/audience_counter.h"
#include "proto/config.pb.h"
#include "proto/tocsin.pb.h"
#include "redis/client.h"
#include "redis/script.h"
#include "turnout/targeting.h"
#include "util/clock.h"

namespace tocsin::dispatch {
namespace {

namespace keys = alerts::keys;

// KEYS: alert hash, staged audience, frozen audience, queue, audit.
// ARGV: now (ms), actor name, approval threshold, job size, alert id.
//
// The audience was materialized into a staging key before this script: the state is
// checked again here, and only then does the staging set become the frozen audience
// (RENAME), so two concurrent sends cannot both queue jobs, nor the loser overwrite the
// winner's frozen audience. Each job is one stream entry: the alert id and up to
// job_size "m" fields of member ids (stream fields may repeat; ids may contain any
// character, so no separator is needed).
//
// The whole script blocks Redis while it runs: about 0.1 s for 150,000 members
// (tests/bench/send_start_bench.cpp), once per alert.
const redis::Script& start_script() {
  static const redis::Script script(R"lua(
local alert, staged, frozen, queue, audit = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local now, actor = ARGV[1], ARGV[2]
local threshold, job_size, id = tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5]
local f = redis.call('HMGET', alert, 'state', 'created_by_token', 'approved_by_token',
                     'expires_at_ms')
local function refuse(status, state, size)
  redis.call('DEL', staged)
  return { status, state or '', size or 0, 0 }
end
if not f[1] then return refuse('not_found') end
local state = f[1]
if state ~= 'draft' and state ~= 'approved' then return refuse('wrong_state', state) end
local expires = tonumber(f[4] or '0') or 0
if expires > 0 and expires <= tonumber(now) then return refuse('expired', state) end
local size = redis.call('SCARD', staged)
if size > threshold and (state ~= 'approved' or f[3] == f[2]) then
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
redis.call('XADD', audit, '*', 'actor', actor, 'action', 'alert.send', 'subject', id,
           'detail', 'members=' .. size .. ' jobs=' .. jobs)
return { 'started', new_state, size, jobs }
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
  if (word == "wrong_state") return S::wrong_state;
  if (word == "needs_approval") return S::needs_approval;
  if (word == "expired") return S::expired;
  return S::not_found;
}

std::string explain(const SendStart& start, int64_t threshold) {
  using S = SendStart::Status;
  switch (start.status) {
    case S::started:
      return {};
    case S::not_found:
      return "no such alert";
    case S::wrong_state:
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
}

boost::asio::awaitable<Result<SendStart>> SendQueue::start(std::string alert_id,
                                                           auth::Principal who) {
  const std::string alert_key = keys::alert(alert_id);
  redis::Command read{"HMGET", alert_key, std::string(keys::field::kProto),
                      std::string(keys::field::kKind)};
  auto fields = co_await redis_.exec(std::move(read));
  if (!fields) co_return fields.error();
  if (fields->is_error()) co_return std::make_error_code(std::errc::resource_unavailable_try_again);
  SendStart start;
  Alert alert;
  if (fields->elements.size() != 2 || fields->elements[0].is_nil() ||
      !alert.ParseFromString(fields->elements[0].str)) {
    start.message = explain(start, 0);
    co_return start;
  }
  const bool urgent = fields->elements[1].str == "urgent";

  // Stored alerts passed validation, so their expression parses.
  auto expr = members::parse_audience(alert.audience());
  if (!expr) co_return std::make_error_code(std::errc::invalid_argument);
  const std::string staged = staging_key(alert_id);
  members::AudienceCounter counter(redis_);
  auto materialized = co_await counter.materialize(*expr, staged);
  if (!materialized) co_return materialized.error();

  const int64_t threshold = config_.alerts().approval_threshold();
  std::vector<std::string> script_keys{alert_key, staged, keys::audience(alert_id),
                                       std::string(urgent ? keys::kUrgentQueue
                                                          : keys::kRoutineQueue),
                                       std::string(keys::kAudit)};
  std::vector<std::string> args{std::to_string(clock_.now_ms()), who.name, std::to_string(threshold),
                                std::to_string(config_.dispatch().job_size()), alert_id};
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
    spdlog::info("event=alert_sending alert={} by={} members={} jobs={} queue={}", alert_id,
                 log::quote(who.name), start.audience_size, start.jobs,
                 urgent ? "urgent" : "routine");
    // The turnout's `targeted`, counted beside the blast rather than before answering.
    boost::asio::co_spawn(co_await boost::asio::this_coro::executor,
                          count_audience(redis_, alert_id), [](std::exception_ptr error) {
                            if (error) spdlog::error("event=turnout_targeting_failed");
                          });
  }
  co_return start;
}

}  // namespace tocsin::dispatch
