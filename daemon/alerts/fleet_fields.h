#pragma once
// The buses of an alert's pickup points, written into alert:{id} when the alert is created
// so that the reply record script can give out seats without reading the stored Alert
// (which Lua cannot parse): "fleet:<pickup>" (buses; grows when a coordinator adds one),
// "seats_per_bus:<pickup>", "fleet_free:<pickup>" (seats free, kept by the seat scripts),
// "fleet_place:<pickup>" (the turnout prefix of the pickup
// point's region, where its "buses" count goes) and "seat_ask_at_ms" (seats given before
// then must be confirmed; 0 = no confirmation asked). seats/seat_lib.lua reads them. Pure.

#include <string>
#include <string_view>
#include <vector>

#include "proto/tocsin.pb.h"

namespace tocsin::alerts {

inline std::string fleet_field(std::string_view pickup) { return "fleet:" + std::string(pickup); }
inline std::string seats_per_bus_field(std::string_view pickup) {
  return "seats_per_bus:" + std::string(pickup);
}
inline std::string fleet_place_field(std::string_view pickup) {
  return "fleet_place:" + std::string(pickup);
}
inline constexpr std::string_view kSeatAskAtMsField = "seat_ask_at_ms";

// The scheduler's kind for "the unconfirmed seats of alert <id> lapse now"
// (seats/seat_lapse_task.h); scheduled by the seat confirmation's wave.
inline constexpr std::string_view kSeatLapseTask = "seat_lapse";

// "<folded region>|pickup:<id>|": where a pickup point's own counts go.
std::string pickup_prefix(const PickupPoint& point);

// Whether the pickup point hands out bus seats (buses and seats_per_bus set), and whether
// any of the alert's does: only then can a step of the alert write seat news.
bool allocates_seats(const PickupPoint& point);
bool allocates_seats(const Alert& alert);

// Appends field, value pairs for the pickup points that allocate seats (buses and
// seats_per_bus set), and the seat confirmation's time.
void append_fleet_fields(const Alert& alert, std::vector<std::string>& fields);

}  // namespace tocsin::alerts
