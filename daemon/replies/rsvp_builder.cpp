#include "replies/rsvp_builder.h"

#include "members/text_fold.h"

namespace tocsin::replies {

PickupByRegion pickup_by_region(const Alert& alert) {
  PickupByRegion pickups;
  for (const PickupPoint& point : alert.pickup_points()) {
    // emplace keeps the first point listed for a region.
    pickups.emplace(members::fold(point.region()), point.id());
  }
  return pickups;
}

RsvpChoice choice_of(const Reading& reading) {
  RsvpChoice choice;
  choice.answer = std::string(to_string(reading.answer));
  choice.bus_seats = reading.transport == Transport::bus ? reading.bus_seats : 0;
  choice.car_seats = reading.transport == Transport::car ? reading.car_seats : 0;
  choice.party = reading.party;
  choice.pickup = reading.pickup_id;
  return choice;
}

RsvpRecord make_record(const RsvpChoice& choice, const MemberPlace& place,
                       const PickupByRegion& pickups, int64_t at_ms, std::string source) {
  RsvpRecord record;
  record.answer = choice.answer;
  if (choice.answer == "yes") {
    record.bus_seats = choice.bus_seats;
    record.car_seats = choice.car_seats;
    record.party = choice.party;
    if (!choice.pickup.empty()) {
      record.pickup = choice.pickup;
    } else if (auto it = pickups.find(place.region); it != pickups.end()) {
      record.pickup = it->second;
    }
  }
  record.region = place.region;
  record.sector = place.sector;
  record.local = place.local;
  record.title = place.title;
  record.at_ms = at_ms;
  record.source = std::move(source);
  return record;
}

}  // namespace tocsin::replies
