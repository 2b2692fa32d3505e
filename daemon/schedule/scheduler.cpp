#include "schedule/scheduler.h"

#include <spdlog/spdlog.h>

#include <map>

#include "log/log.h"
#include "redis/client.h"
#include "redis/script.h"
#include "util/clock.h"
#include "util/wakeup.h"

namespace tocsin::schedule {
namespace {

namespace asio = boost::asio;

// ARGV: now_ms, lease_ms, limit, owner. Claims the items due and those whose lease ran
// out, leases them to owner. Returns {item, taken_over (0/1)} pairs.
const redis::Script& claim_script() {
  static const redis::Script script(R"lua(
local now, lease, limit, owner = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]
local out = {}
local stale = redis.call('ZRANGEBYSCORE', 'schedule:running', '-inf', now, 'LIMIT', 0, limit)
for _, item in ipairs(stale) do
  redis.call('ZADD', 'schedule:running', now + lease, item)
  redis.call('HSET', 'schedule:owner', item, owner)
  out[#out + 1] = {item, 1}
end
local due = redis.call('ZRANGEBYSCORE', 'schedule', '-inf', now, 'LIMIT', 0, limit - #stale)
for _, item in ipairs(due) do
  redis.call('ZREM', 'schedule', item)
  redis.call('ZADD', 'schedule:running', now + lease, item)
  redis.call('HSET', 'schedule:owner', item, owner)
  out[#out + 1] = {item, 0}
end
return out
)lua");
  return script;
}

// ARGV: item, owner, retry_at_ms (empty: done). Only the lease holder finishes an item: a
// daemon that lost its lease to another must not remove the other's work.
const redis::Script& finish_script() {
  static const redis::Script script(R"lua(
local item, owner, retry_at = ARGV[1], ARGV[2], ARGV[3]
if redis.call('HGET', 'schedule:owner', item) ~= owner then return 0 end
redis.call('ZREM', 'schedule:running', item)
redis.call('HDEL', 'schedule:owner', item)
if retry_at ~= '' then redis.call('ZADD', 'schedule', retry_at, item) end
return 1
)lua");
  return script;
}

// ARGV: item, due_ms. Leaves a running item alone: it is being done now.
const redis::Script& schedule_script() {
  static const redis::Script script(R"lua(
if redis.call('ZSCORE', 'schedule:running', ARGV[1]) then return 0 end
redis.call('ZADD', 'schedule', ARGV[2], ARGV[1])
return 1
)lua");
  return script;
}

std::string item_of(const std::string& kind, const std::string& subject) {
  return kind + "|" + subject;
}

}  // namespace

struct Scheduler::Impl : std::enable_shared_from_this<Impl> {
  Impl(asio::any_io_executor executor, redis::Client& redis, const Clock& clock,
       SchedulerOptions options)
      : redis(redis), clock(clock), options(std::move(options)), wakeup(std::move(executor)) {}

  redis::Client& redis;
  const Clock& clock;
  SchedulerOptions options;
  dispatch::Wakeup wakeup;
  std::map<std::string, TaskHandler> handlers;
  SchedulerStats stats;
  bool stopping = false;

  asio::awaitable<void> run() {
    auto self = shared_from_this();
    while (!stopping) {
      if (redis.connected()) co_await tick();
      if (!stopping) co_await wakeup.wait(options.tick);
    }
  }

  asio::awaitable<void> tick() {
    std::vector<std::string> args{std::to_string(clock.now_ms()),
                                  std::to_string(options.lease.count()),
                                  std::to_string(options.batch), options.owner};
    std::vector<std::string> no_keys;
    auto reply = co_await redis.eval(claim_script(), std::move(no_keys), std::move(args));
    if (!reply || reply->type != redis::Reply::Type::array) {
      if (reply) spdlog::warn("event=schedule_claim_failed error={}", log::quote(reply->str));
      co_return;
    }
    for (const auto& claimed : reply->elements) {
      if (stopping) break;
      if (claimed.elements.size() != 2) continue;
      const std::string& item = claimed.elements[0].str;
      if (claimed.elements[1].integer == 1) ++stats.reclaimed;
      co_await run_item(item);
    }
  }

  asio::awaitable<void> run_item(const std::string& item) {
    const size_t bar = item.find('|');
    const std::string kind = item.substr(0, bar);
    const std::string subject = bar == std::string::npos ? "" : item.substr(bar + 1);
    auto handler = handlers.find(kind);
    TaskOutcome outcome;
    if (handler == handlers.end()) {
      // Another version of the daemon may know it: put it back for a minute.
      ++stats.unhandled;
      spdlog::warn("event=schedule_unknown_kind kind={}", log::quote(kind));
      outcome = TaskOutcome{false, std::chrono::minutes(1)};
    } else {
      try {
        outcome = co_await handler->second(subject);
      } catch (const std::exception& error) {
        spdlog::error("event=schedule_task_failed kind={} error={}", log::quote(kind),
                      log::quote(error.what()));
        outcome = TaskOutcome{false, std::chrono::seconds(5)};
      }
    }
    const std::string retry_at =
        outcome.done ? "" : std::to_string(clock.now_ms() + outcome.retry_after.count());
    std::vector<std::string> args{item, options.owner, retry_at};
    std::vector<std::string> no_keys;
    auto finished = co_await redis.eval(finish_script(), std::move(no_keys), std::move(args));
    if (outcome.done) {
      ++stats.ran;
    } else {
      ++stats.retried;
    }
    // Not finished (Redis away): the lease runs out and the item runs again, which
    // handlers allow.
    if (!finished) {
      spdlog::warn("event=schedule_finish_failed kind={} error={}", log::quote(kind),
                   log::quote(finished.error().message()));
    }
  }
};

Scheduler::Scheduler(asio::any_io_executor executor, redis::Client& redis, const Clock& clock,
                     SchedulerOptions options)
    : impl_(std::make_shared<Impl>(std::move(executor), redis, clock, std::move(options))) {
  redis.load_on_connect(claim_script());
  redis.load_on_connect(finish_script());
  redis.load_on_connect(schedule_script());
}

Scheduler::~Scheduler() = default;

void Scheduler::handle(std::string kind, TaskHandler handler) {
  impl_->handlers[std::move(kind)] = std::move(handler);
}

asio::awaitable<void> Scheduler::run() { return impl_->run(); }

void Scheduler::stop() {
  impl_->stopping = true;
  impl_->wakeup.notify();
}

void Scheduler::notify() { impl_->wakeup.notify(); }

asio::awaitable<std::error_code> Scheduler::schedule(const std::string& kind,
                                                     const std::string& subject, int64_t due_ms) {
  std::vector<std::string> args{item_of(kind, subject), std::to_string(due_ms)};
  std::vector<std::string> no_keys;
  auto reply = co_await impl_->redis.eval(schedule_script(), std::move(no_keys), std::move(args));
  if (!reply) co_return reply.error();
  if (reply->is_error()) co_return std::make_error_code(std::errc::io_error);
  impl_->wakeup.notify();
  co_return std::error_code{};
}

asio::awaitable<Result<bool>> Scheduler::unschedule(const std::string& kind,
                                                    const std::string& subject) {
  redis::Command remove{"ZREM", std::string(kDueKey), item_of(kind, subject)};
  auto reply = co_await impl_->redis.exec(std::move(remove));
  if (!reply) co_return reply.error();
  co_return reply->integer == 1;
}

SchedulerStats Scheduler::stats() const { return impl_->stats; }

}  // namespace tocsin::schedule
