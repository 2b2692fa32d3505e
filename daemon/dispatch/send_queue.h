#pragma once
// Starting a send: the step between "approved" and the dispatch engine. It freezes the
// alert's audience slice by slice into staging keys, with its jobs of dispatch.job_size
// members (audience_freeze.h), and in one O(1) Lua script checks the state and the approval
// rule, makes them the alert's frozen audience and unqueued jobs, and marks the alert
// `sending`. A job writer then moves the jobs onto the alert's queue (q:send:urgent for the
// emergency kinds, q:send:routine for the others) a slice at a time (job_writer.h). A crash
// leaves either an alert still approved (send again; the staging keys expire) or a sending
// one whose unqueued jobs the scheduler's "queue|<id>" item queues (queue_jobs.h).
//
// An alert whose send_at is still ahead is scheduled instead (issue 8): :send makes the
// same checks (state, approval rule, expiry) on the audience as it is now, and one script
// marks it `scheduled` and adds the scheduler item "send|<id>" due at send_at. The
// audience is frozen only when that item runs (dispatch/scheduled_send.h): members
// imported in between are sent to, as an executive scheduling Monday's 6:00 call on
// Friday expects.

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <functional>
#include <string>

#include "auth/principal.h"
#include "util/result.h"

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

struct SendStart {
  enum class Status {
    started,         // state is now sending; its jobs are being queued
    scheduled,       // state is now scheduled; sent at send_at_ms
    not_found,       // no such alert
    wrong_state,     // not draft or approved (already sending, sent, cancelled...);
                     // from the scheduler: not scheduled
    needs_approval,  // audience above alerts.approval_threshold, not approved by a
                     // second executive
    expired,         // its expires_at has passed: nothing would be sent
  };
  // Who asks: an officer's :send, or the scheduler at a scheduled alert's send_at.
  enum class Origin { officer, schedule };
  Status status = Status::not_found;
  std::string message;        // for people, when not started
  std::string state;          // the alert's state after the call
  int64_t audience_size = 0;  // frozen members
  int64_t jobs = 0;           // jobs to queue (job_writer.h queues them after the start)
  int64_t send_at_ms = 0;     // when scheduled: when it will be sent
};

class SendQueue {
 public:
  // Registers its scripts with redis.load_on_connect(): construct before redis.run().
  // `clock` is the time of day the expiry is checked against and sending starts at.
  SendQueue(redis::Client& redis, const config::Config& config, const Clock& clock);

  // Called by POST /v1/alerts/{id}:send. A draft alert may be sent without approval when
  // its frozen audience is within the approval threshold; above it, it must have been
  // approved by a token other than its creator's. Writes the transition to the audit
  // stream, with `who` as the actor. An alert whose send_at is after the clock's now is
  // scheduled (status `scheduled`) rather than started.
  //
  // Origin::schedule is the scheduler's "send" handler only: it starts a `scheduled` alert
  // (and nothing else: a cancelled one is refused, atomically), `who` being the executive
  // who scheduled it. What a person would have been told there is recorded instead: past
  // its expiry the alert becomes `cancelled` (cancelled_by "expiry"); an audience grown
  // past the approval threshold without a second executive's approval sends it back to
  // `draft`, unapproved. Each with an audit entry.
  boost::asio::awaitable<Result<SendStart>> start(
      std::string alert_id, auth::Principal who,
      SendStart::Origin origin = SendStart::Origin::officer);

  // Called after each slice of jobs a started send puts on its queue (the engine's reader
  // is woken, so the first jobs go out while the rest are queued).
  void on_jobs_queued(std::function<void()> callback);
  // Called with the alert's id when a send starts (the turnout publisher follows it).
  void on_started(std::function<void(const std::string& alert_id)> callback);

 private:
  // The scheduling step of start(): `staged` holds the audience as it is now.
  boost::asio::awaitable<Result<SendStart>> schedule(const std::string& alert_id,
                                                     const auth::Principal& who,
                                                     const std::string& staged, int64_t send_at_ms,
                                                     int64_t now_ms);

  redis::Client& redis_;
  const config::Config& config_;
  const Clock& clock_;
  std::function<void()> on_jobs_queued_;
  std::function<void(const std::string&)> on_started_;
};

}  // namespace tocsin::dispatch
