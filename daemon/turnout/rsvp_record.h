#pragma once
// One member's RSVP to one alert, as alert:{id}:rsvp stores it, and what it adds to the
// alert's tally (alert:{id}:tally). The record script (record_replies.lua) keeps the tally
// in Redis by adding a new RSVP's contribution and taking away the one it replaces, in
// one step; recount() computes the same tally from the stored RSVPs, which is the
// invariant tests and `tocsin` check: the two must always be equal.
//
// Tally fields are the turnout's "region|dimension|measure" (members/turnout_field.h):
// region as the member index stores it (folded; "-" for none), dimensions "all" and
// "sector:S", "local:L", "title:T" for the values the member has, measures "yes", "no",
// "maybe", and for a yes "coming" (people, the member included), "bus" (seats needed) and
// "car" (seats offered); a yes with a pickup point also counts "yes", "coming" and "bus" in
// "region|pickup:P". The measure "unknown" counts the members with an unclear reply waiting
// in alert:{id}:unknown and no RSVP, where alert:{id}:dims places them (or, failing that,
// their member index). Fields at zero are removed.

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
  std::string title;  // job title
  int64_t at_ms = 0;
  std::string source;  // "sms" | "web" | "coordinator"
};

// Fields joined by \x1f (the roster's tag separator: never in a value). Records stored
// before job titles were (one field fewer) decode with no title.
std::string encode(const RsvpRecord& record);
std::optional<RsvpRecord> decode(std::string_view text);

// Adds sign × the record's contribution to tally.
void add_to_tally(const RsvpRecord& record, int sign, std::map<std::string, int64_t>& tally);

// Adds sign × one unclear reply (measure "unknown") of a member counted at `place` (the
// value alert:{id}:dims holds: turnout/reach_count.h's encode_place()).
void add_unknown_to_tally(std::string_view place, int sign, std::map<std::string, int64_t>& tally);

// The tally of a set of stored RSVPs (the values of alert:{id}:rsvp) and of the unclear
// replies of members without one (their places), zero fields left out. Records that do
// not decode are counted in *unreadable.
std::map<std::string, int64_t> recount(const std::vector<std::string>& stored,
                                       size_t* unreadable = nullptr,
                                       const std::vector<std::string>& unknown_places = {});

}  // namespace tocsin::replies
