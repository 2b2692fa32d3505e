#pragma once
// Starting a send: the step between "approved" and the dispatch engine. It freezes the
// alert's audience (members::AudienceCounter::materialize into alert:{id}:audience) and,
// in one Lua script, checks the state and the approval rule, turns the frozen audience
// into jobs of dispatch.job_size members on the alert's queue (q:send:urgent for the
// emergency kinds, q:send:routine for the others) and marks the alert `sending`. The script
// is atomic, so a crash leaves either an alert still approved (send again) or one whose
// every job is durable in Redis.

#include <boost/asio/awaitable.hpp>

#include <cstdint>
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
    started,                // state is now sending; jobs are queued
    not_found,              // no such alert
    wrong_state,            // not draft or approved (already sending, sent, cancelled...)
    needs_approval,         // audience above alerts.approval_threshold, not approved by a
                            // second executive
    expired,                // its expires_at has passed: nothing would be sent
  };
  Status status = Status::not_found;
  std::string message;        // for people, when not started
  std::string state;          // the alert's state after the call
  int64_t audience_size = 0;  // frozen members
  int64_t jobs = 0;           // queue entries written
};

class SendQueue {
 public:
  // Registers its scripts with redis.load_on_connect(): construct before redis.run().
  // `clock` is the time of day the expiry is checked against and sending starts at.
  SendQueue(redis::Client& redis, const config::Config& config, const Clock& clock);

  // Called by POST /v1/alerts/{id}:send. A draft alert may be sent without approval when
  // its frozen audience is within the approval threshold; above it, it must have been
  // approved by a token other than its creator's. Writes the transition to the audit
  // stream, with `who` as the actor.
  boost::asio::awaitable<Result<SendStart>> start(std::string alert_id, auth::Principal who);

 private:
  redis::Client& redis_;
  const config::Config& config_;
  const Clock& clock_;
};

}  // namespace tocsin::dispatch
