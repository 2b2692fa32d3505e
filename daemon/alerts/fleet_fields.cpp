#include "alerts/fleet_fields.h"

#include <chrono>

#include "alerts/rfc3339.h"
#include "members/text_fold.h"
#include "members/turnout_field.h"

namespace tocsin::alerts {

std::string pickup_prefix(const PickupPoint& point) {
  return turnout::key_part(members::fold(point.region())) + "|pickup:" +
         turnout::key_part(point.id()) + "|";
}

bool allocates_seats(const PickupPoint& point) {
  return point.buses() > 0 && point.seats_per_bus() > 0;
}

bool allocates_seats(const Alert& alert) {
  for (const PickupPoint& point : alert.pickup_points()) {
    if (allocates_seats(point)) return true;
  }
  return false;
}

void append_fleet_fields(const Alert& alert, std::vector<std::string>& fields) {
  bool any = false;
  for (const PickupPoint& point : alert.pickup_points()) {
    if (!allocates_seats(point)) continue;
    any = true;
    for (std::string value : {fleet_field(point.id()), std::to_string(point.buses()),
                              seats_per_bus_field(point.id()),
                              std::to_string(point.seats_per_bus()),
                              fleet_place_field(point.id()), pickup_prefix(point),
                              "fleet_free:" + point.id(),
                              std::to_string(point.buses() * point.seats_per_bus())}) {
      fields.push_back(std::move(value));
    }
  }
  if (!any || !alert.has_seat_confirmation()) return;
  if (const auto ask_at = parse_rfc3339(alert.seat_confirmation().ask_at())) {
    fields.emplace_back(kSeatAskAtMsField);
    fields.push_back(std::to_string(
        std::chrono::duration_cast<std::chrono::milliseconds>(ask_at->time_since_epoch()).count()));
  }
}

}  // namespace tocsin::alerts
