#pragma once
// The counts no script keeps: no-shows, members who said yes and neither checked in nor
// said they were there, which needs each member's RSVP and check-in side by side. And the
// whole report's counts recomputed from what is stored per member, which the tests compare
// with the report the daemon builds from its kept counts (the counts-never-drift rule).
// Pure.
//
// A no-show counts where their yes counts: the places of their RSVP record (the member's
// region, sector, local and job title when they answered), so that in every group
// no_show <= yes.

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "turnout/turnout_model.h"

namespace tocsin::reports {

// member id -> value, as an alert's hashes store them.
using Stored = std::map<std::string, std::string>;

// The "how" of a stored check-in ("at_ms\x1fhow\x1fby" of alert:{id}:present): "scan",
// "manual" or "self"; "" when it does not read.
std::string_view present_how(std::string_view stored);

// "<region>|<dimension>|no_show" fields for these RSVPs (alert:{id}:rsvp, member -> encoded
// RsvpRecord) and check-ins (alert:{id}:present). RSVPs that do not decode are skipped.
turnout::RawFields no_show_fields(const std::vector<std::pair<std::string, std::string>>& rsvps,
                                  const Stored& present);

// What the report's counts must equal, recomputed from per-member records:
//   targeted, sent, delivered, ...  turnout::recount_reach(delivery, dims, unreachable)
//   yes, no, maybe (and the tally's other measures)  replies::recount of the RSVPs
//   present, present_self           one per check-in, where alert:{id}:dims places the
//                                   member, or for a member checked in who was not in the
//                                   audience, where `outside` does (their member index)
//   no_show                          no_show_fields()
turnout::RawFields recount(const Stored& rsvps, const Stored& present, const Stored& dims,
                           const Stored& delivery, const std::set<std::string>& unreachable,
                           const Stored& outside = {});

}  // namespace tocsin::reports
