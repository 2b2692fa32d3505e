#pragma once
// What the routes and the one-click page do with seats, apart from answering: add buses
// to a pickup point (seat_scripts.h), and read one member's seat.

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <optional>
#include <string>

#include "proto/tocsin.pb.h"
#include "seats/seat_status.h"

namespace tocsin::redis {
class Client;
}

namespace tocsin::seats {

struct AddBusOutcome {
  enum class Status { ok, no_alert, wrong_state, no_buses, unavailable };
  Status status = Status::unavailable;
  std::string state;  // wrong_state: the alert's
  int buses = 0;      // ok: buses now
  int boarded = 0;    // ok: members who left the waitlist
};

class SeatStore {
 public:
  explicit SeatStore(redis::Client& redis);

  // Adds `buses` (1..10, checked by the caller) to a pickup point of a sent alert, audited
  // as `actor` with `detail`.
  boost::asio::awaitable<AddBusOutcome> add_buses(const std::string& alert_id,
                                                  const std::string& pickup, int buses,
                                                  const std::string& actor,
                                                  const std::string& detail, int64_t at_ms);

  // The member's seat or place on a waitlist (state "" when none); nullopt when Redis
  // failed.
  boost::asio::awaitable<std::optional<SeatView>> seat_of(const std::string& alert_id,
                                                          const std::string& member_id);

 private:
  redis::Client& redis_;
};

}  // namespace tocsin::seats
