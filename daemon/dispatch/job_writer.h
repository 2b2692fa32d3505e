#pragma once
// Queuing a sending alert's jobs: send_start.lua leaves them in alert:{id}:jobs:unqueued
// (dispatch_keys.h), and the writer moves them onto the alert's send queue a few at a time
// (dispatch/send_jobs.lua, dispatch.queue_slice jobs per call, about 250 members), so no
// call holds Redis for more than a few milliseconds and the engine starts sending the first
// jobs while the rest are queued. Each call is atomic and the list is its own cursor: a
// crash leaves every job either unqueued or queued exactly once, and whoever calls next
// (the writer :send spawned, or the scheduler's "queue|<id>" item after a crash,
// queue_jobs.h) carries on where it stopped. Each batch takes two calls: a peek at the next
// jobs' members, whose places the writer then reads from the roster (turnout/targeting.h),
// and the queuing call, which also counts those members as targeted in the turnout and
// answers "raced" when another writer took the batch meanwhile (the writer peeks again).
// The queuing call writes the jobs to the alert's own outbox (alert:{id}:jobs_out:<queue>,
// in its slot), and the writer relays them to the send queue right after, exactly once
// (redis/stream_relay.h); a relay a crash cut short is made up by the next writer's call
// or by the relay sweep (jobs_route()), so a job is never lost nor queued twice.

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "alerts/alert_relay.h"
#include "util/result.h"

namespace tocsin {
class Clock;
}
namespace tocsin::redis {
class Client;
class Script;
}  // namespace tocsin::redis

namespace tocsin::dispatch {

// Register with load_on_connect() (SendQueue does).
const redis::Script& send_jobs_script();

// send_jobs.lua's reply.
struct SendJobsReply {
  std::string status;  // "queued" (jobs left), "done" (all queued), "dropped" (not sending)
  int64_t jobs = 0;    // queued by this call
  int64_t left = 0;    // still unqueued
};

enum class WriterStep {
  call_again,  // jobs left, time left
  pause,       // jobs left, the budget spent: someone calls again later
  done,        // every job queued
  dropped,     // the alert no longer sends: the rest was dropped
};

// What the writer does after a reply, `elapsed` into a run with `budget` (zero: none).
WriterStep next_step(const SendJobsReply& reply, std::chrono::milliseconds elapsed,
                     std::chrono::milliseconds budget);

struct JobWriterOptions {
  int jobs_per_call = 10;
  std::chrono::milliseconds budget{0};  // zero: until done or dropped
  std::function<void()> on_queued;      // after each call that queued jobs: wake the engine
};

// The outboxes relayed to `queue_key` (kUrgentQueue, kRoutineQueue), for the sweep.
alerts::OutboxRoute jobs_route(std::string_view queue_key);

// Calls send_jobs.lua until the list is done or dropped, or the budget is spent (pause),
// yielding between calls. `queue_key`: q:send:urgent or q:send:routine.
boost::asio::awaitable<Result<WriterStep>> write_jobs(redis::Client& redis, const Clock& clock,
                                                      std::string alert_id, std::string queue_key,
                                                      JobWriterOptions options);

}  // namespace tocsin::dispatch
