#include "rides/ride_candidates.h"

#include <algorithm>
#include <tuple>

#include "alerts/fleet_fields.h"
#include "members/turnout_field.h"
#include "seats/seat_record.h"
#include "turnout/rsvp_record.h"

namespace tocsin::rides {
namespace {

// Why a yes needing a bus seat needs a ride instead, or "" when it does not.
std::string need_of(const replies::RsvpRecord& record, const std::string& member,
                    const Alert& alert, const RideFacts& facts) {
  if (facts.seated.contains(member)) return "";
  if (facts.waiting.contains(member)) return "waitlisted";
  if (record.pickup.empty()) return "no_pickup";
  for (const PickupPoint& point : alert.pickup_points()) {
    if (point.id() != record.pickup) continue;
    // Seats allocated: a member without a seat or a place on the waitlist is being seated
    // (or the allocation is off for them): no ride needed. Not allocated: a bus runs when
    // one is hired or its capacity is known.
    if (alerts::allocates_seats(point)) return "";
    return point.buses() > 0 || point.bus_capacity() > 0 ? "" : "no_bus";
  }
  return "no_pickup";  // a pickup point no longer on the alert
}

}  // namespace

std::map<std::string, Waiting> parse_waiting(
    const std::vector<std::pair<std::string, std::string>>& stored) {
  std::map<std::string, Waiting> waiting;
  for (const auto& [member, value] : stored) {
    if (const auto place = seats::decode_waiting(value)) {
      waiting[member] = {place->seats, place->sequence};
    }
  }
  return waiting;
}

RegionRides region_rides(const RideFacts& facts, const Alert& alert, std::string_view region_part) {
  RegionRides rides;
  std::map<std::string, int> taken;  // driver -> seats of confirmed riders
  std::set<std::string> riding;
  for (const auto& [id, match] : facts.matches) {
    taken[match.driver] += match.seats;
    riding.insert(match.riders.begin(), match.riders.end());
    if (match.region == region_part) rides.matches.emplace_back(id, match);
  }
  std::vector<std::tuple<int, int64_t, std::string>> order;  // rider's rank, time, id
  std::map<std::string, Candidate> riders;
  for (const auto& [member, encoded] : facts.rsvps) {
    const auto record = replies::decode(encoded);
    if (!record || record->answer != "yes" || turnout::key_part(record->region) != region_part) {
      continue;
    }
    Candidate candidate{member, record->pickup, record->local, std::max(1, record->party)};
    candidate.rsvp = encoded;
    if (record->car_seats > 0) {
      candidate.seats = record->car_seats;
      candidate.seats_left = std::max(0, record->car_seats - taken[member]);
      rides.drivers.push_back(std::move(candidate));
      continue;
    }
    if (record->bus_seats < 1 || riding.contains(member)) continue;
    candidate.need = need_of(*record, member, alert, facts);
    if (candidate.need.empty()) continue;
    const auto waiting = facts.waiting.find(member);
    candidate.seats = waiting != facts.waiting.end() && waiting->second.seats > 0
                          ? waiting->second.seats
                          : record->bus_seats;
    if (waiting != facts.waiting.end()) {
      order.emplace_back(0, waiting->second.sequence, member);
    } else {
      order.emplace_back(1, record->at_ms, member);
    }
    riders.emplace(member, std::move(candidate));
  }
  std::sort(order.begin(), order.end());
  for (const auto& [rank, at, member] : order) rides.riders.push_back(riders.at(member));
  std::sort(rides.drivers.begin(), rides.drivers.end(),
            [](const Candidate& a, const Candidate& b) { return a.member_id < b.member_id; });
  return rides;
}

std::set<std::string> regions_with_rides(const RideFacts& facts, const Alert& alert) {
  std::set<std::string> regions;
  for (const auto& [id, match] : facts.matches) regions.insert(match.region);
  for (const auto& [member, encoded] : facts.rsvps) {
    const auto record = replies::decode(encoded);
    if (!record || record->answer != "yes") continue;
    if (record->car_seats > 0 ||
        (record->bus_seats > 0 && !need_of(*record, member, alert, facts).empty())) {
      regions.insert(turnout::key_part(record->region));
    }
  }
  return regions;
}

std::vector<Proposal> propose_for(const RegionRides& rides,
                                  const std::set<std::string>& reachable) {
  std::vector<DriverSeats> drivers;
  for (const Candidate& driver : rides.drivers) {
    if (reachable.contains(driver.member_id)) {
      drivers.push_back({driver.member_id, driver.pickup, driver.local, driver.seats_left});
    }
  }
  std::vector<RiderNeed> riders;
  for (const Candidate& rider : rides.riders) {
    if (reachable.contains(rider.member_id)) {
      riders.push_back({rider.member_id, rider.pickup, rider.local, rider.seats});
    }
  }
  return propose(drivers, riders);
}

}  // namespace tocsin::rides
