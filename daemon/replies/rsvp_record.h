#pragma once
// One member's RSVP to one alert, as alert:{id}:rsvp stores it, and what it adds to the
// alert's tally (alert:{id}:tally). The record script (reply_scripts.cpp) keeps the tally
// in Redis by adding a new RSVP's contribution and taking away the one it replaces, in
// one step; recount() computes the same tally from the stored RSVPs, which is the
// invariant tests and `tocsin` check: the two must always be equal.
//
// Tally fields are "dimension|measure": dimensions "all", "region:R", "sector:S",
// "local:L" (R, S, L as the member index stores them, folded) and "pickup:P" when the
// member has a pickup point; measures "yes", "no", "maybe", and for a yes "coming" (people,
// the member included), "bus" (seats needed) and "car" (seats offered). Fields at zero are
// removed.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tocsin::replies {

struct RsvpRecord {
  std::string answer;  // "yes" | "no" | "maybe"
  int bus_seats = 0;   // seats needed on the union's bus
  int car_seats = 0;   // seats offered in the member's car
  int party = 0;       // people coming, the member included; 0 = not said (counts as 1)
  std::string pickup;  // pickup point id; empty when none
  std::string region;  // the member's, when they answered
  std::string sector;
  std::string local;
  int64_t at_ms = 0;
  std::string source;  // "sms" | "web" | "coordinator"
};

// Fields joined by \x1f (the roster's tag separator: never in a value).
std::string encode(const RsvpRecord& record);
std::optional<RsvpRecord> decode(std::string_view text);

// Adds sign × the record's contribution to tally.
void add_to_tally(const RsvpRecord& record, int sign, std::map<std::string, int64_t>& tally);

// The tally of a set of stored RSVPs (the values of alert:{id}:rsvp), zero fields left out.
// Records that do not decode are counted in *unreadable.
std::map<std::string, int64_t> recount(const std::vector<std::string>& stored,
                                       size_t* unreadable = nullptr);

}  // namespace tocsin::replies
