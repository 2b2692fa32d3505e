#pragma once
// Who, in one region, drives and who needs a ride, from what Redis holds for an alert:
// drivers are members whose yes offers car seats; riders are members whose yes needs a
// seat and who hold no bus seat, because they are waitlisted (alert:{id}:waiting), or no
// bus runs from their pickup point, or their region has no pickup point. Members already
// riding in a confirmed match are not riders any more, and a driver's seats left are those
// offered less the seats of their confirmed riders. Pure.

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "proto/tocsin.pb.h"
#include "rides/ride_matching.h"
#include "rides/ride_record.h"

namespace tocsin::rides {

struct Candidate {
  std::string member_id;
  std::string pickup;
  std::string local;
  int party = 1;
  int seats = 0;       // a driver's seats offered, a rider's seats needed
  int seats_left = 0;  // a driver's: offered less confirmed riders
  std::string need;    // a rider's: "waitlisted" | "no_bus" | "no_pickup"
  std::string rsvp;    // the stored RSVP it was read from, as stored
};

// A member's place on a waitlist (alert:{id}:waiting: "pickup\x1fseats\x1fat_ms\x1fsequence").
struct Waiting {
  int seats = 0;
  int64_t sequence = 0;
};
std::map<std::string, Waiting> parse_waiting(
    const std::vector<std::pair<std::string, std::string>>& stored);

struct RegionRides {
  std::vector<Candidate> drivers;  // by member id
  std::vector<Candidate> riders;   // the waitlisted first, by arrival; then by answer time
  std::vector<std::pair<std::string, MatchRecord>> matches;  // the region's, by match id
};

struct RideFacts {
  std::vector<std::pair<std::string, std::string>> rsvps;  // member -> encoded RSVP
  std::set<std::string> seated;                            // members of alert:{id}:seat
  std::map<std::string, Waiting> waiting;
  std::map<std::string, MatchRecord> matches;  // match id -> record, every region
};

RegionRides region_rides(const RideFacts& facts, const Alert& alert, std::string_view region_part);

// The region parts where a yes drives or needs a ride, or a match was confirmed.
std::set<std::string> regions_with_rides(const RideFacts& facts, const Alert& alert);

// The matching module's view of the candidates (reachable ones only: `reachable` by id).
std::vector<Proposal> propose_for(const RegionRides& rides, const std::set<std::string>& reachable);

}  // namespace tocsin::rides
