#pragma once
// The stored forms of a seat (alert:{id}:seat) and of a place on a waitlist
// (alert:{id}:waiting), and the counts they make (seats/seat_lib.lua keeps those in
// alert:{id}:day and alert:{id}:load as seats move). recount() computes the same counts
// from the stored seats, which is the invariant the tests check: the two are always equal.
// Pure.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tocsin::seats {

struct Seat {
  std::string pickup;
  int bus = 0;
  int seats = 0;
  int64_t at_ms = 0;
  bool confirmed = false;
};

struct WaitingPlace {
  std::string pickup;
  int seats = 0;
  int64_t at_ms = 0;
  int64_t sequence = 0;  // arrival order at the pickup point
};

// "pickup\x1fbus\x1fseats\x1fat_ms\x1fconfirmed"
std::optional<Seat> decode_seat(std::string_view text);
// "pickup\x1fseats\x1fat_ms\x1fsequence"
std::optional<WaitingPlace> decode_waiting(std::string_view text);

struct SeatCounts {
  // alert:{id}:day's "seated" and "waitlisted" fields ("<region>|<dimension>|<measure>")
  std::map<std::string, int64_t> day;
  // alert:{id}:load: "pickup\x1fbus" -> seats taken
  std::map<std::string, int64_t> load;
};

// The counts of stored seats and waiting places (member id -> stored value), each member
// counted at their place (alert:{id}:dims: prefixes joined by \x1f; a member without one
// counts nowhere but the pickup point of region "-"). Values that do not decode are
// counted in *unreadable.
SeatCounts recount(const std::vector<std::pair<std::string, std::string>>& seats,
                   const std::vector<std::pair<std::string, std::string>>& waiting,
                   const std::map<std::string, std::string>& places,
                   size_t* unreadable = nullptr);

}  // namespace tocsin::seats
