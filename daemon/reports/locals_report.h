#pragma once
// Each local's participation across alerts (issue 18, "Afterwards"): for the last sent
// alerts of a kind, a local's members targeted, their yes and those present, and the mean
// over those alerts, which a union uses to set its next targets. Built from each alert's
// kept counts (the fields "<region>|local:<l>|<measure>", summed over the regions in the
// viewer's scope). A local merged with the small groups in an alert's report
// (participation.h) is suppressed in that alert here too, so that the two views together
// never give a figure about fewer than min_group people. Pure.

#include <string>
#include <string_view>
#include <vector>

#include "proto/report.pb.h"
#include "reports/participation.h"

namespace tocsin::reports {

// One alert of the report and its raw counts (alert:{id}:reach, :tally and :day).
struct AlertCounts {
  Alert alert;
  std::string state;
  turnout::RawFields raw;
};

// `alerts` newest first, as the report lists them.
LocalsReport build_locals_report(std::string_view kind, int last,
                                 const std::vector<AlertCounts>& alerts,
                                 const turnout::Labels& labels, const turnout::Scope& scope,
                                 int min_group = kMinGroup);

}  // namespace tocsin::reports
