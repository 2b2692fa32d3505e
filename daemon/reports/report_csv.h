#pragma once
// The participation reports as CSV (RFC 4180: CRLF, header row first, fields quoted when
// needed through turnout::csv_field, which also defuses a name a spreadsheet would run as
// a formula). Aggregates only, like the reports. Pure.

#include <string>
#include <string_view>

#include "proto/report.pb.h"

namespace tocsin::reports {

inline constexpr std::string_view kReportHeader =
    "dimension,key,name,targeted,reached,answered,yes,present,present_self,no_show,"
    "reach_rate,answer_rate,yes_rate,present_rate,no_show_rate\r\n";

// One row for the total (dimension "total"), then one per group of each breakdown. A
// suppressed report: the total's targeted alone. The merged group is named
// "other: N groups under M members", the members with no value "none".
std::string report_csv(const ParticipationReport& report);

inline constexpr std::string_view kLocalsHeader =
    "local,name,alert_id,alert_code,alert_title,event_time,status,targeted,yes,present,"
    "yes_rate,present_rate\r\n";

// Per local, one row per alert (status "shown", "suppressed" or "not_targeted": then no
// figure) and a last row, status "mean": the means over the alerts where it was shown (how
// many in alert_title, "3 alerts", "1 alert"; alert_id empty).
std::string locals_csv(const LocalsReport& report);

}  // namespace tocsin::reports
