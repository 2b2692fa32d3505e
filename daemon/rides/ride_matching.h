#pragma once
// The matches the console proposes between drivers (a yes offering car seats) and riders (a
// yes needing a ride, without a bus seat) of one region: a proposal only, shown to a
// coordinator, never sent. Riders are taken in order (the waitlisted first, by arrival);
// each goes to a driver of the same pickup point with seats left for their party, else to
// one of the same local. Among those that fit, the driver with the fewest seats left is
// chosen (cars fill up before another is started), then the lower member id. A rider no
// driver fits is proposed nothing: the coordinator sees them unmatched. Pure.

#include <string>
#include <vector>

namespace tocsin::rides {

struct DriverSeats {
  std::string member_id;
  std::string pickup;  // "" for none: never matches by pickup
  std::string local;   // "" for none: never matches by local
  int seats_left = 0;
};

struct RiderNeed {
  std::string member_id;
  std::string pickup;
  std::string local;
  int seats = 1;  // seats needed, the rider's party
};

struct Proposal {
  std::string driver;
  std::vector<std::string> riders;  // in the order they were taken
  int seats = 0;
  std::string by;  // "pickup" | "local": how the first rider was matched
};

// Proposals, in the order of the drivers given. Riders of seats < 1 and drivers with no
// seats left are left out.
std::vector<Proposal> propose(const std::vector<DriverSeats>& drivers,
                              const std::vector<RiderNeed>& riders);

}  // namespace tocsin::rides
