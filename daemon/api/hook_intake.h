#pragma once
// Members' replies and delivery receipts, once their webhook's signature is checked: stored
// in Redis at once, or, when Redis cannot take them, kept in the local spool
// (spool/spool.h), answered 200 all the same, and replayed in order when Redis is back.
// Twilio never sends an inbound message again, and a receipt's retries are few: a 503 while
// Redis restarts would lose them.
//
// Order: while the spool holds anything, a new hook joins it instead of going straight to
// Redis, so that a member's "OUI" then "NON" are counted in that order.
//
// Exactly once: a reply is recognised by its provider message id, or, without one, by an
// id this intake gives it as it comes (replies/inbound_store.h), and receipts only
// move a state forward (dispatch/receipt_store.h). So a record replayed twice (a crash
// before the spool's cursor was saved) counts once, and so does a hook that reached Redis
// but whose answer was lost with the connection, then was spooled and replayed.

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <functional>
#include <string>

#include "adapters/gateway.h"
#include "proto/hooks.pb.h"
#include "spool/spool_replayer.h"

namespace tocsin::dispatch {
class ReceiptStore;
}
namespace tocsin::replies {
class InboundStore;
}
namespace tocsin::spool {
class Spool;
}

namespace tocsin::api {

hooks::Hook reply_hook(const std::string& gateway, const adapters::InboundMessage& message,
                       int64_t received_at_ms);
hooks::Hook receipt_hook(const std::string& gateway, const adapters::DeliveryReceipt& receipt,
                         int64_t received_at_ms);

enum class Taken {
  stored,   // in Redis
  spooled,  // on local disk, replayed when Redis is back
  full,     // neither: Redis is away and the spool is full
  failed,   // neither: Redis is away and the spool could not be written (the disk's error)
};

class HookIntake {
 public:
  // `spool` may be null (a test's daemon without one): a hook Redis cannot take then fails.
  HookIntake(replies::InboundStore& inbound, dispatch::ReceiptStore& receipts, spool::Spool* spool,
             std::function<bool()> redis_ready);

  boost::asio::awaitable<Taken> take(hooks::Hook hook);
  // The replayer's step (spool/spool_replayer.h): one spooled record into Redis.
  boost::asio::awaitable<spool::Replayed> replay(const std::string& payload);

  spool::Spool* spool() const { return spool_; }

 private:
  boost::asio::awaitable<std::error_code> store(const hooks::Hook& hook);

  replies::InboundStore& inbound_;
  dispatch::ReceiptStore& receipts_;
  spool::Spool* spool_;
  std::function<bool()> redis_ready_;
};

}  // namespace tocsin::api
