#pragma once
// The dispatch engine: takes the jobs SendQueue put in the Redis
// streams, urgent queue first, through the consumer group "dispatch"; renders each
// member's message; sends it through the gateways of its channel at their rates
// (GatewayPool); and records every outcome (Recorder) before acknowledging the job.
//
// Exactly once: a member's message is sent only when prepare_script finds no delivery
// state for it, and its state is recorded before its job is acknowledged. A crash can
// duplicate only the messages sent and not yet recorded, which dispatch.max_in_flight
// bounds. A job left by a crashed daemon is taken back by the same consumer at restart,
// or by another daemon after dispatch.claim_idle_ms.
//
// Cancel: the state of every alert in use is read again four times a second; messages of a
// cancelled alert still waiting are dropped and its jobs acknowledged, so nothing more is
// sent within a second. Expiry: messages due after the alert's expires_at, or once its
// event has started, are recorded as expired, not sent.
//
// Opt-out: a member who texts STOP while a blast is under way is not sent its message,
// even when it was already prepared: each address is looked up in the opt-out registry
// again at most 10 ms before it is handed to a gateway.
//
// No answer: a request the provider received but did not answer in time (the gateway's
// timeout counts from when the request is written) is recorded as sent and not sent again,
// since the provider may have sent it and takes no idempotency key (send_result.h).

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>
#include <vector>

#include "adapters/gateway.h"

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

struct EngineStats {
  uint64_t sent = 0;       // accepted by a gateway
  uint64_t failed = 0;     // permanently
  uint64_t retries = 0;    // scheduled
  uint64_t held = 0;       // waiting for the end of quiet hours (config alerts.quiet_hours)
  uint64_t fallbacks = 0;  // SMS failed permanently, sent by email instead
  uint64_t opted_out = 0;  // found opted out, before or by the send
  // Of those, found opted out after being prepared, just before the hand-off to a gateway
  // (a STOP received during the blast).
  uint64_t stopped_before_send = 0;
  // Requests the provider received but did not answer (a timeout after the request was
  // written): counted as sent, never sent again.
  uint64_t unconfirmed = 0;
  uint64_t expired = 0;
  uint64_t skipped = 0;    // shared address, removed member
  uint64_t dropped = 0;    // not sent because the alert was cancelled
  uint64_t direct = 0;     // messages outside alerts (send_direct) sent or failed
  uint64_t in_flight = 0;  // sent or being sent, not yet recorded
  uint64_t jobs_taken = 0;
  uint64_t alerts_finished = 0;
};

class Engine {
 public:
  // Registers its scripts with redis.load_on_connect(): construct before redis.run().
  // `clock` decides expiry, quiet hours and retry due times (tests move it).
  Engine(boost::asio::any_io_executor executor, redis::Client& redis, const config::Config& config,
         const Clock& clock, std::vector<std::unique_ptr<adapters::Gateway>> gateways);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Runs until stop(); then returns once the requests in flight have finished and their
  // outcomes are recorded (or Redis stayed away for a few seconds: the jobs then stay
  // pending and are taken up again at the next start).
  boost::asio::awaitable<void> run();
  void stop();

  EngineStats stats() const;

  // New jobs are on a send queue (dispatch/job_writer.h): read them now rather than at the
  // next poll. Call on the engine's executor.
  void wake_reader();

  // Sends one message outside any alert (a reply's confirmation, a help answer): ahead of
  // alert messages, through the gateways of its channel at their rates, once (no retry,
  // no delivery record). on_sent gets the outcome, on this executor; it is not called
  // when the engine stops first. Call on the engine's executor.
  void send_direct(adapters::OutgoingMessage message,
                   std::function<void(const SendResult&)> on_sent);

  // The gateway of that name, for its webhooks; nullptr if there is none.
  const adapters::Gateway* gateway(std::string_view name) const;
  // Whether a gateway of `channel` ("sms", "email") sends delivery receipts.
  bool has_receipts(std::string_view channel) const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace tocsin::dispatch
