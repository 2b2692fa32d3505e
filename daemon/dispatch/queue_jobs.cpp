#include "dispatch/queue_jobs.h"

#include <spdlog/spdlog.h>

#include <optional>

#include "alerts/alert_keys.h"
#include "alerts/queue_class.h"
#include "dispatch/job_writer.h"
#include "log/log.h"
#include "proto/config.pb.h"
#include "redis/client.h"
#include "redis/decode.h"

namespace tocsin::dispatch {
namespace {

// Redis away or a script failing: tried again, the jobs still in their list.
constexpr std::chrono::seconds kRetryAfter{5};

boost::asio::awaitable<schedule::TaskOutcome> queue_jobs(redis::Client& redis,
                                                         const config::Config& config,
                                                         const Clock& clock,
                                                         std::function<void()> on_queued,
                                                         std::string alert_id) {
  redis::Command read{"HGET", alerts::keys::alert(alert_id),
                      std::string(alerts::keys::field::kKind)};
  auto kind = redis::decode<std::optional<std::string>>(co_await redis.exec(std::move(read)));
  if (!kind) co_return schedule::TaskOutcome{false, kRetryAfter};
  if (!*kind) co_return schedule::TaskOutcome{};  // no such alert (any more)
  JobWriterOptions options{.jobs_per_call = config.dispatch().queue_slice(),
                           .budget = kQueueBudget,
                           .on_queued = std::move(on_queued)};
  auto step = co_await write_jobs(redis, clock, alert_id, std::string(alerts::queue_key(**kind)),
                                  std::move(options));
  if (!step) co_return schedule::TaskOutcome{false, kRetryAfter};
  // Jobs left after its budget: run again at once, under a fresh lease.
  if (*step == WriterStep::pause) {
    co_return schedule::TaskOutcome{false, std::chrono::milliseconds(0)};
  }
  co_return schedule::TaskOutcome{};
}

}  // namespace

schedule::TaskHandler queue_jobs_handler(redis::Client& redis, const config::Config& config,
                                         const Clock& clock, std::function<void()> on_queued) {
  return [&redis, &config, &clock, on_queued = std::move(on_queued)](std::string subject) {
    return queue_jobs(redis, config, clock, on_queued, std::move(subject));
  };
}

}  // namespace tocsin::dispatch
