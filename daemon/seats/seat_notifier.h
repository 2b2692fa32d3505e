#pragma once
// Tells members by SMS of seat news they did not ask for (seats/seat_lib.lua writes them to
// the alert's alert:{id}:seat_notices in the step that moved the seat, relayed from there
// to seats:notices: alerts/alert_relay.h): a seat opened up and is theirs, or an
// unconfirmed seat went back to the waitlist. Read through the consumer group "seats" so
// each notice is handled by one daemon; acknowledged once handed to `send`. A crash in
// between sends it again under the same idempotency key ("seat:<entry id>"), which the
// gateways use as their message reference. Members who opted out of SMS are not texted;
// the news stays visible to them on their one-click page and to coordinators.

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

namespace tocsin::seats {

struct SeatNotifierOptions {
  std::string consumer;   // this daemon in the group (dispatch.consumer_name)
  std::string time_zone;  // departure times
  std::chrono::milliseconds claim_idle{30'000};
  std::chrono::milliseconds poll{200};
  std::function<void(adapters::OutgoingMessage)> send;
};

struct SeatNotifierStats {
  uint64_t sent = 0;
  uint64_t not_sent = 0;  // no mobile, opted out, or the alert is gone
};

class SeatNotifier {
 public:
  SeatNotifier(boost::asio::any_io_executor executor, redis::Client& redis,
               SeatNotifierOptions options);
  ~SeatNotifier();
  SeatNotifier(const SeatNotifier&) = delete;
  SeatNotifier& operator=(const SeatNotifier&) = delete;

  boost::asio::awaitable<void> run();
  void stop();
  SeatNotifierStats stats() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace tocsin::seats
