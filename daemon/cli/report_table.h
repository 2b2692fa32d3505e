#pragma once
// The participation reports as `tocsin report` prints them for people: the alert, its
// totals, then a table per breakdown (region, sector, local, job title); and the locals
// across alerts, one row per local with each alert's present/targeted and the mean. No I/O
// beyond the stream given.

#include <ostream>

#include "proto/report.pb.h"

namespace tocsin::cli {

void print_report_table(std::ostream& out, const ParticipationReport& report);
void print_locals_table(std::ostream& out, const LocalsReport& report);

}  // namespace tocsin::cli
