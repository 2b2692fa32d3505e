#pragma once
// The scheduler's "queue" items (schedule/scheduler.h): "queue|<alert id>", added by
// send_start.lua (through the alert's outbox: schedule/schedule_outbox.h) when an alert
// starts sending, due a few seconds later. A backstop for the
// job writer :send spawns (job_writer.h): should the daemon die before every job is queued,
// any daemon finds the item due and queues the rest. Each run spends at most about a second
// (kQueueBudget) and asks to run again at once while jobs are left, so a lease never covers
// much work; the alert's end (done or dropped) ends the item. Idempotent: the list of
// unqueued jobs is the cursor, and racing the spawned writer queues nothing twice.

#include <chrono>
#include <functional>
#include <string_view>

#include "schedule/scheduler.h"

namespace tocsin {
class Clock;
}
namespace tocsin::redis {
class Client;
}
namespace tocsin::config {
class Config;
}

namespace tocsin::dispatch {

inline constexpr std::string_view kQueueJobsKind = "queue";
inline constexpr std::chrono::milliseconds kQueueBudget{1000};
// How long after the start the item falls due: the spawned writer has usually finished.
inline constexpr std::chrono::milliseconds kQueueItemDelay{5000};

// Register with scheduler.handle(kQueueJobsKind, ...) before scheduler.run(). `on_queued`
// runs after each call that queued jobs (wakes the engine's reader).
schedule::TaskHandler queue_jobs_handler(redis::Client& redis, const config::Config& config,
                                         const Clock& clock, std::function<void()> on_queued);

}  // namespace tocsin::dispatch
