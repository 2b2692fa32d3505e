#include "dispatch/job_writer.h"

#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <iterator>
#include <tuple>
#include <vector>

#include "alerts/alert_keys.h"
#include "alerts/alert_relay.h"
#include "dispatch/dispatch_keys.h"
#include "dispatch/send_jobs.lua.h"
#include "log/log.h"
#include "redis/client.h"
#include "redis/decode.h"
#include "redis/script.h"
#include "redis/stream_relay.h"
#include "schedule/schedule_outbox.h"
#include "turnout/targeting.h"
#include "util/clock.h"

namespace tocsin::dispatch {
const redis::Script& send_jobs_script() {
  static const redis::Script script(std::string(lua::send_jobs));
  return script;
}

WriterStep next_step(const SendJobsReply& reply, std::chrono::milliseconds elapsed,
                     std::chrono::milliseconds budget) {
  if (reply.status == "dropped") return WriterStep::dropped;
  if (reply.status != "queued" || reply.left <= 0) return WriterStep::done;
  if (budget.count() > 0 && elapsed >= budget) return WriterStep::pause;
  return WriterStep::call_again;
}

namespace {

// Per member its id and its place, encoded as the alert's dims keep it (send_jobs.lua).
std::vector<std::string> member_places(std::vector<std::string> members,
                                       const std::vector<turnout::Place>& places) {
  std::vector<std::string> args;
  args.reserve(2 * members.size());
  for (size_t i = 0; i < members.size(); ++i) {
    args.push_back(std::move(members[i]));
    args.push_back(turnout::encode_place(places[i]));
  }
  return args;
}

// status, jobs queued, jobs left, member ids peeked (send_jobs.lua)
using SendJobsRaw = std::tuple<std::string, int64_t, int64_t, std::vector<std::string>>;

boost::asio::awaitable<Result<SendJobsRaw>> send_jobs(redis::Client& redis, const Clock& clock,
                                                      const std::string& alert_id,
                                                      const std::string& queue_key, int per_call,
                                                      std::string mode,
                                                      std::vector<std::string> places) {
  std::vector<std::string> script_keys{
      alerts::keys::alert(alert_id),          keys::unqueued_jobs(alert_id),
      alerts::keys::counts(alert_id),         alerts::keys::audit_trail(alert_id),
      keys::jobs_outbox(alert_id, queue_key), alerts::keys::schedule_outbox(alert_id)};
  std::vector<std::string> args{std::to_string(per_call), alert_id, std::to_string(clock.now_ms()),
                                std::move(mode)};
  args.insert(args.end(), std::make_move_iterator(places.begin()),
              std::make_move_iterator(places.end()));
  std::string why;
  auto reply = redis::decode<SendJobsRaw>(
      co_await redis.eval(send_jobs_script(), std::move(script_keys), std::move(args)), &why);
  if (!reply) {
    spdlog::warn("event=send_jobs_failed alert={} error={}", alert_id, log::quote(why));
    co_return redis::bad_reply_as(reply.error(), std::make_error_code(std::errc::io_error));
  }
  co_return reply;
}

}  // namespace

alerts::OutboxRoute jobs_route(std::string_view queue_key) {
  return {"jobs:" + std::string(queue_key),
          [queue = std::string(queue_key)](const std::string& alert_id) {
            return keys::jobs_outbox(alert_id, queue);
          },
          {.destination = std::string(queue_key), .cursors = keys::queue_relay_cursors(queue_key)}};
}

boost::asio::awaitable<Result<WriterStep>> write_jobs(redis::Client& redis, const Clock& clock,
                                                      std::string alert_id, std::string queue_key,
                                                      JobWriterOptions options) {
  const auto began = std::chrono::steady_clock::now();
  const int per_call = options.jobs_per_call > 0 ? options.jobs_per_call : 5;
  const alerts::OutboxRoute route = jobs_route(queue_key);
  while (true) {
    // The next jobs' members, then their places, then the jobs queued with their members
    // counted (send_jobs.lua); "raced": another writer took them meanwhile, peek again.
    auto reply = co_await send_jobs(redis, clock, alert_id, queue_key, per_call, "peek",
                                    std::vector<std::string>());
    if (!reply) co_return reply.error();
    if (std::get<0>(*reply) == "peeked") {
      std::vector<std::string>& members = std::get<3>(*reply);
      auto places = co_await turnout::read_places(redis, members);
      if (!places) co_return places.error();
      reply = co_await send_jobs(redis, clock, alert_id, queue_key, per_call, "queue",
                                 member_places(std::move(members), *places));
      if (!reply) co_return reply.error();
      if (std::get<0>(*reply) == "raced") continue;
    }
    SendJobsReply answer;
    std::tie(answer.status, answer.jobs, answer.left, std::ignore) = std::move(*reply);
    // Onto the send queue (also what an earlier writer cut short left in the outbox). Not
    // relayed yet, the jobs wait in the outbox for the next call or the sweep.
    const auto relayed = co_await redis::relay_stream(redis, route.target, route.source(alert_id));
    if (!relayed) {
      spdlog::warn("event=relay_deferred alert={} outbox={} error={}", alert_id, route.name,
                   relayed.error().message());
    }
    // The jobs on a replica before they are sent: a failover does not lose them.
    co_await redis.wait_for_replicas();
    // The last jobs queued after every other was recorded: the alert finished here.
    if (answer.status == "done") co_await alerts::relay(redis, alert_id, alerts::Outbox::audit);
    // Done or dropped: the "queue|<id>" backstop is no longer needed.
    if (answer.status == "done" || answer.status == "dropped") {
      co_await schedule::apply_schedule_outbox(redis, alert_id);
    }
    if (relayed && *relayed > 0 && options.on_queued) options.on_queued();
    const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - began);
    const WriterStep step = next_step(answer, elapsed, options.budget);
    if (step == WriterStep::dropped && answer.left > 0) {
      spdlog::info("event=send_jobs_dropped alert={} jobs={}", alert_id, answer.left);
    }
    if (step != WriterStep::call_again) co_return step;
    // Let the engine and the requests run between two calls.
    co_await boost::asio::post(co_await boost::asio::this_coro::executor,
                               boost::asio::use_awaitable);
  }
}

}  // namespace tocsin::dispatch
