#pragma once
// The reply worker (issue 6): reads the replies the webhooks stored in q:replies, through
// the consumer group "replies", in batches:
//   1. finds the alert and member each reply answers (reply_matcher.h): the most recent
//      open alert sent to the sender's number, or the one whose code it quotes;
//   2. reads the text (reply_reader.h), with that alert's pickup points;
//   3. applies the batch: opt-outs and re-subscriptions (sms_opt_outs.h), then each
//      alert's replies in one script call (record_replies_script): RSVPs and their tally,
//      bus seats given, kept or handed on (seats/seat_lib.lua), unknown replies kept for a
//      coordinator. A batch waits (up to 2 s) while another daemon holds replies that
//      arrived before it, so batches apply in arrival order;
//   4. answers each member in their language (confirmation_text.h) through `send`, at most
//      3 automatic answers per number per hour;
//   5. acknowledges and deletes the entries.
// A crash or a failure within 3, or between 3 and 5, replays the batch, which changes
// nothing: an RSVP recorded again is "same", an opt-out is a set (the member may get a
// confirmation twice). Entries a
// stopped daemon left pending are read again by the same consumer at restart, or taken
// over by another daemon after claim_idle.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "adapters/gateway.h"

namespace tocsin::redis {
class Client;
}

namespace tocsin::replies {

struct ReplyStats {
  uint64_t read = 0;
  uint64_t recorded = 0;  // an RSVP stored or changed
  uint64_t repeated = 0;  // the same answer again
  uint64_t unknown = 0;   // kept for a coordinator
  uint64_t opted_out = 0;
  uint64_t resubscribed = 0;
  uint64_t help = 0;
  uint64_t unmatched = 0;     // from a number no open alert was sent to
  uint64_t bad_number = 0;    // a sender that is not a phone number
  uint64_t answered = 0;      // confirmations handed to `send`
  uint64_t not_answered = 0;  // over a number's allowance of automatic answers
  uint64_t waited = 0;        // looks at an earlier batch another daemon was applying
  uint64_t batches = 0;       // batches applied
  uint64_t batch_us = 0;      // their time, from the read's answer to the last confirmation
};

struct ReplyWorkerOptions {
  std::string consumer;   // this daemon in the consumer group (dispatch.consumer_name)
  std::string time_zone;  // for departure times in confirmations
  // Replies another daemon read and then stayed silent on this long are taken over
  // (dispatch.claim_idle_ms).
  std::chrono::milliseconds claim_idle{30'000};
  // Sends a confirmation (the engine's send_direct); none: members get no answer.
  std::function<void(adapters::OutgoingMessage)> send;
};

class ReplyWorker {
 public:
  // Registers its scripts with redis.load_on_connect(): construct before redis.run().
  ReplyWorker(boost::asio::any_io_executor executor, redis::Client& redis,
              ReplyWorkerOptions options);
  ~ReplyWorker();
  ReplyWorker(const ReplyWorker&) = delete;
  ReplyWorker& operator=(const ReplyWorker&) = delete;

  // Runs until stop(); returns after the batch in hand is applied.
  boost::asio::awaitable<void> run();
  void stop();
  // A reply was stored by this process: read it now rather than at the next poll.
  void notify();

  ReplyStats stats() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace tocsin::replies
