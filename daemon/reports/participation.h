#pragma once
// An alert's participation report (issue 18, "Afterwards") built from its raw counts: the
// turnout's fields "<region>|<dimension>|<measure>" (members/turnout_field.h) of
// alert:{id}:reach ("targeted", "sent", "delivered"), alert:{id}:tally ("yes", "no",
// "maybe") and alert:{id}:day ("present", "present_self"), plus "no_show" fields made by
// no_shows.h (no count keeps them: they need each member's RSVP and check-in). Only fields
// in the viewer's scope are used. Pure.
//
// Aggregates only, and none about fewer than `min_group` people (default 5): in each
// breakdown, the groups of fewer targeted members are merged into one group "*"; when that
// group is itself too small, the smallest shown groups join it until it is not (otherwise
// the total minus the groups shown would give the small ones back). Members with no value
// for a dimension (no sector, say) are a group "-" of their own, merged like any other, for
// the same reason. A scope of fewer than `min_group` members gives only the number targeted.
// What this does not prevent: a group where everyone answered alike (5 of 5 said yes) says
// what each of them answered; and crossing two breakdowns (sector and job title) of small
// groups can narrow people down. The report gives no cross-tabulation for that reason.

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "proto/report.pb.h"
#include "turnout/turnout_model.h"
#include "turnout/turnout_scope.h"

namespace tocsin::reports {

inline constexpr int kMinGroup = 5;

// A measure name -> its sum over the fields of a group.
using Measures = std::map<std::string, int64_t, std::less<>>;

// The counts and rates of a group from its measures.
ParticipationCounts counts_of(const Measures& measures);

// One breakdown's groups (key -> measures), small ones merged as above. The merged group,
// when there is one, comes last with key "*"; the others by key.
struct Group {
  std::string key;
  Measures measures;
  int merged = 0;  // groups merged into "*"
};
std::vector<Group> merge_small(const std::map<std::string, Measures>& groups, int min_group);

// The measures of a breakdown summed per group: dimension "sector" gives the fields
// "<region>|sector:<key>|<measure>" summed over regions, with a group "-" for what the total
// holds beyond them (members with no sector); "region" the fields "<region>|all|<measure>".
std::map<std::string, Measures> breakdown(const turnout::RawFields& scoped,
                                          std::string_view dimension);

// The report of `alert` (in `state`) seen through `scope`.
ParticipationReport build_report(const Alert& alert, std::string_view state,
                                 const turnout::RawFields& raw, const turnout::Labels& labels,
                                 const turnout::Scope& scope, int min_group = kMinGroup);

// A group's name for people: its name, "none" for key "-", "other: N groups under M
// members" for key "*" (the CSV and `tocsin report` say it alike).
std::string group_label(const ParticipationGroup& group, int min_group);

// JSON with the proto field names and every field, zeros included.
std::string to_json(const google::protobuf::Message& message);

}  // namespace tocsin::reports
