#include "schedule/scheduler.h"

#include <spdlog/spdlog.h>

#include <map>
#include <optional>
#include <tuple>
#include <vector>

#include "log/log.h"
#include "redis/client.h"
#include "redis/decode.h"
#include "redis/script.h"
#include "schedule/claim_items.lua.h"
#include "schedule/finish_item.lua.h"
#include "schedule/schedule_item.lua.h"
#include "schedule/schedule_keys.h"
#include "util/clock.h"
#include "util/wakeup.h"

namespace tocsin::schedule {
namespace {

namespace asio = boost::asio;

const redis::Script& claim_script() {
  static const redis::Script script(std::string(lua::claim_items));
  return script;
}

const redis::Script& finish_script() {
  static const redis::Script script(std::string(lua::finish_item));
  return script;
}

const redis::Script& schedule_script() {
  static const redis::Script script(std::string(lua::schedule_item));
  return script;
}

// The KEYS of claim_items.lua and finish_item.lua.
std::vector<std::string> lease_keys() {
  return {std::string(keys::kDue), std::string(keys::kRunning), std::string(keys::kOwner)};
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
  Wakeup wakeup;
  std::map<std::string, TaskHandler> handlers;
  SchedulerStats stats;
  bool stopping = false;

  asio::awaitable<void> run() {
    auto self = shared_from_this();
    bool adopted = false;
    while (!stopping) {
      if (redis.connected()) {
        if (!adopted) adopted = co_await adopt_untagged_keys();
        co_await tick();
      }
      if (!stopping) co_await wakeup.wait(options.tick);
    }
  }

  // Moves the items an older tocsind wrote under the keys' names of before their hash tag
  // (schedule_keys.h) under the new names, in one transaction: a send scheduled before the
  // upgrade still runs, at its time. Every start does it, so when daemons sharing a Redis
  // are upgraded one by one, the last one brings over what an older one added meanwhile.
  // False when Redis did not answer: tried again next tick.
  asio::awaitable<bool> adopt_untagged_keys() {
    namespace untagged = keys::untagged;
    // One EXISTS per key: untagged, they lie in different slots of a Redis Cluster.
    std::vector<redis::Command> exists{{"EXISTS", std::string(untagged::kDue)},
                                       {"EXISTS", std::string(untagged::kRunning)},
                                       {"EXISTS", std::string(untagged::kOwner)}};
    std::string why;
    auto found = redis::decode_each<int64_t, int64_t, int64_t>(
        co_await redis.exec_pipeline(std::move(exists)), &why);
    const int64_t existing =
        found ? std::get<0>(*found) + std::get<1>(*found) + std::get<2>(*found) : 0;
    if (found && existing == 0) co_return true;
    std::optional<std::map<std::string, std::string>> owners;
    if (found) {
      redis::Command read_owners{"HGETALL", std::string(untagged::kOwner)};
      auto read = redis::decode<std::map<std::string, std::string>>(
          co_await redis.exec(std::move(read_owners)), &why);
      if (read) owners = std::move(*read);
    }
    if (!owners) {
      spdlog::warn("event=schedule_adopt_failed error={}", log::quote(why));
      co_return false;
    }
    // An item in both keeps its earlier due time and its later lease.
    std::vector<redis::Command> move{
        {"MULTI"},
        {"ZUNIONSTORE", std::string(keys::kDue), "2", std::string(keys::kDue),
         std::string(untagged::kDue), "AGGREGATE", "MIN"},
        {"ZUNIONSTORE", std::string(keys::kRunning), "2", std::string(keys::kRunning),
         std::string(untagged::kRunning), "AGGREGATE", "MAX"},
        {"DEL", std::string(untagged::kDue), std::string(untagged::kRunning),
         std::string(untagged::kOwner)}};
    if (!owners->empty()) {
      redis::Command keep_owners{"HSET", std::string(keys::kOwner)};
      for (auto& [item, owner] : *owners) {
        keep_owners.push_back(item);
        keep_owners.push_back(std::move(owner));
      }
      move.push_back(std::move(keep_owners));
    }
    move.push_back({"EXEC"});
    auto moved =
        redis::decode_exec<redis::Ignore, redis::Ignore, redis::Ignore, redis::Rest<redis::Ignore>>(
            co_await redis.exec_pipeline(std::move(move)), &why);
    if (!moved) {
      spdlog::warn("event=schedule_adopt_failed error={}", log::quote(why));
      co_return false;
    }
    spdlog::info("event=schedule_adopted keys={} leases={}", existing, owners->size());
    co_return true;
  }

  asio::awaitable<void> tick() {
    std::vector<std::string> args{std::to_string(clock.now_ms()),
                                  std::to_string(options.lease.count()),
                                  std::to_string(options.batch), options.owner};
    auto reply = co_await redis.eval(claim_script(), lease_keys(), std::move(args));
    if (!reply) co_return;
    std::string why;
    auto claimed = redis::decode<std::vector<std::tuple<std::string, bool>>>(*reply, &why);
    if (!claimed) {
      spdlog::warn("event=schedule_claim_failed error={}", log::quote(why));
      co_return;
    }
    for (const auto& [item, taken_over] : *claimed) {
      if (stopping) break;
      if (taken_over) ++stats.reclaimed;
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
    auto finished = co_await redis.eval(finish_script(), lease_keys(), std::move(args));
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

asio::awaitable<void> Scheduler::run() {
  return impl_->run();
}

void Scheduler::stop() {
  impl_->stopping = true;
  impl_->wakeup.notify();
}

void Scheduler::notify() {
  impl_->wakeup.notify();
}

asio::awaitable<std::error_code> Scheduler::schedule(const std::string& kind,
                                                     const std::string& subject, int64_t due_ms) {
  std::vector<std::string> args{item_of(kind, subject), std::to_string(due_ms)};
  std::vector<std::string> script_keys{std::string(keys::kDue), std::string(keys::kRunning)};
  auto reply =
      co_await impl_->redis.eval(schedule_script(), std::move(script_keys), std::move(args));
  if (!reply) co_return reply.error();
  if (!redis::decode<redis::Ignore>(*reply)) co_return std::make_error_code(std::errc::io_error);
  impl_->wakeup.notify();
  co_return std::error_code{};
}

asio::awaitable<Result<bool>> Scheduler::unschedule(const std::string& kind,
                                                    const std::string& subject) {
  redis::Command remove{"ZREM", std::string(keys::kDue), item_of(kind, subject)};
  auto reply = co_await impl_->redis.exec(std::move(remove));
  if (!reply) co_return reply.error();
  auto removed = redis::decode<int64_t>(*reply);
  if (!removed) co_return removed.error();
  co_return *removed == 1;
}

SchedulerStats Scheduler::stats() const {
  return impl_->stats;
}

}  // namespace tocsin::schedule
