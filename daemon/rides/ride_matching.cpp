#include "rides/ride_matching.h"

namespace tocsin::rides {
namespace {

struct Car {
  const DriverSeats* driver;
  int left;
  Proposal proposal;
};

// The car that fits `rider` best among those sharing `place` with them, or nullptr.
Car* best_fit(std::vector<Car>& cars, const RiderNeed& rider, bool by_pickup) {
  const std::string& wanted = by_pickup ? rider.pickup : rider.local;
  if (wanted.empty()) return nullptr;
  Car* best = nullptr;
  for (Car& car : cars) {
    const std::string& place = by_pickup ? car.driver->pickup : car.driver->local;
    if (place != wanted || car.left < rider.seats) continue;
    if (best == nullptr || car.left < best->left ||
        (car.left == best->left && car.driver->member_id < best->driver->member_id)) {
      best = &car;
    }
  }
  return best;
}

}  // namespace

std::vector<Proposal> propose(const std::vector<DriverSeats>& drivers,
                              const std::vector<RiderNeed>& riders) {
  std::vector<Car> cars;
  cars.reserve(drivers.size());
  for (const DriverSeats& driver : drivers) {
    if (driver.seats_left > 0) cars.push_back({&driver, driver.seats_left, {driver.member_id}});
  }
  std::vector<bool> taken(riders.size(), false);
  // All riders by pickup point first, so that a rider matched by local never takes the
  // seat a later rider of the same pickup point needed.
  for (const bool by_pickup : {true, false}) {
    for (size_t i = 0; i < riders.size(); ++i) {
      const RiderNeed& rider = riders[i];
      if (taken[i] || rider.seats < 1) continue;
      Car* car = best_fit(cars, rider, by_pickup);
      if (car == nullptr) continue;
      taken[i] = true;
      car->left -= rider.seats;
      car->proposal.riders.push_back(rider.member_id);
      car->proposal.seats += rider.seats;
      if (car->proposal.by.empty()) car->proposal.by = by_pickup ? "pickup" : "local";
    }
  }
  std::vector<Proposal> proposals;
  for (Car& car : cars) {
    if (!car.proposal.riders.empty()) proposals.push_back(std::move(car.proposal));
  }
  return proposals;
}

}  // namespace tocsin::rides
