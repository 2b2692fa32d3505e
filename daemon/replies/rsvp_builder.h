#pragma once
// How a member's answer becomes the RsvpRecord that is stored and tallied, whatever way it
// came: an SMS read by the reply reader (reply_worker.cpp), the one-click page or a
// coordinator (rsvp_writer.h). One function, so the three cannot count differently. Pure.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "proto/tocsin.pb.h"
#include "replies/reply_reader.h"
#include "turnout/rsvp_record.h"

namespace tocsin::replies {

// What the member chose.
struct RsvpChoice {
  std::string answer;  // "yes" | "no" | "maybe"
  int bus_seats = 0;   // seats needed on the bus
  int car_seats = 0;   // seats offered in their car
  int party = 0;       // people coming, the member included; 0 = not said
  std::string pickup;  // a pickup point id the member named, or "" for their region's
};

// Where the member belongs, as member:{id}:idx stores it (folded).
struct MemberPlace {
  std::string region;
  std::string sector;
  std::string local;
  std::string title;  // job title
};

// Folded region -> the pickup point id of its members: the first point the alert lists
// for that region (as in their message).
using PickupByRegion = std::map<std::string, std::string>;
PickupByRegion pickup_by_region(const Alert& alert);

// The choice a sure reading with an answer makes (seats only for the transport it names).
RsvpChoice choice_of(const Reading& reading);

// The record of `choice`. Transport, seats, party and pickup count only with a yes; a yes
// without a named pickup point gets its region's, if any.
RsvpRecord make_record(const RsvpChoice& choice, const MemberPlace& place,
                       const PickupByRegion& pickups, int64_t at_ms, std::string source);

}  // namespace tocsin::replies
