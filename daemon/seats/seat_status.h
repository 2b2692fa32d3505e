#pragma once
// A member's bus seat as the reply record script reports it after an RSVP: the status
// ("recorded", "same") followed by the seat, fields joined by \x1f (seats/seat_lib.lua's
// with_seat). Pure.

#include <string>
#include <string_view>

namespace tocsin::seats {

struct SeatHolding {
  std::string state;   // "seated", "waitlisted", or "" when the member holds no seat
  std::string pickup;  // PickupPoint.id
  int bus = 0;         // 1-based, seated
  int seats = 0;       // held or asked for
  int rank = 0;        // 1-based place on the waitlist, waitlisted
};

struct RecordStatus {
  std::string status;  // "recorded", "same", "unknown", ...
  SeatHolding seat;
};

RecordStatus parse_record_status(std::string_view text);

}  // namespace tocsin::seats
