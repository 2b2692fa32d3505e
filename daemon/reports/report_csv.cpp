#include "reports/report_csv.h"

#include <cstdio>

#include "reports/participation.h"
#include "turnout/ride_list.h"

namespace tocsin::reports {
namespace {

using turnout::csv_field;

std::string decimal(double value, int places) {
  char text[32];
  std::snprintf(text, sizeof text, "%.*f", places, value);
  return text;
}

void add_row(std::string& csv, std::string_view dimension, std::string_view key,
             std::string_view name, const ParticipationCounts& c) {
  const std::string fields[] = {std::string(dimension),
                                csv_field(key),
                                csv_field(name),
                                std::to_string(c.targeted()),
                                std::to_string(c.reached()),
                                std::to_string(c.answered()),
                                std::to_string(c.yes()),
                                std::to_string(c.present()),
                                std::to_string(c.present_self()),
                                std::to_string(c.no_show()),
                                decimal(c.reach_rate(), 4),
                                decimal(c.answer_rate(), 4),
                                decimal(c.yes_rate(), 4),
                                decimal(c.present_rate(), 4),
                                decimal(c.no_show_rate(), 4)};
  for (size_t i = 0; i < std::size(fields); ++i) {
    if (i > 0) csv += ',';
    csv += fields[i];
  }
  csv += "\r\n";
}

}  // namespace

std::string report_csv(const ParticipationReport& report) {
  std::string csv(kReportHeader);
  if (report.suppressed()) {
    csv += "total,,," + std::to_string(report.total().targeted()) + ",,,,,,,,,,,\r\n";
    return csv;
  }
  add_row(csv, "total", "", "", report.total());
  for (const auto* groups : {&report.regions(), &report.sectors(), &report.locals(),
                             &report.job_titles()}) {
    for (const ParticipationGroup& group : *groups) {
      add_row(csv, group.dimension(), group.key(), group_label(group, report.min_group()),
              group.counts());
    }
  }
  return csv;
}

std::string locals_csv(const LocalsReport& report) {
  std::string csv(kLocalsHeader);
  for (const LocalParticipation& local : report.locals()) {
    const std::string head = csv_field(local.key()) + "," + csv_field(local.name()) + ",";
    for (int i = 0; i < local.alerts_size() && i < report.alerts_size(); ++i) {
      const LocalAlertParticipation& cell = local.alerts(i);
      const TurnoutAlert& alert = report.alerts(i);
      csv += head + csv_field(alert.id()) + "," + csv_field(alert.code()) + "," +
             csv_field(alert.title()) + "," + csv_field(alert.event_time()) + ",";
      if (cell.suppressed()) {
        csv += "suppressed,,,,,\r\n";
      } else if (cell.targeted() == 0) {
        csv += "not_targeted,,,,,\r\n";
      } else {
        csv += "shown," + std::to_string(cell.targeted()) + "," + std::to_string(cell.yes()) +
               "," + std::to_string(cell.present()) + "," + decimal(cell.yes_rate(), 4) + "," +
               decimal(cell.present_rate(), 4) + "\r\n";
      }
    }
    const LocalMean& mean = local.mean();
    csv += head + ",," + std::to_string(mean.alerts()) + (mean.alerts() == 1 ? " alert" : " alerts") +
           ",,mean," +
           decimal(mean.targeted(), 1) + "," + decimal(mean.yes(), 1) + "," +
           decimal(mean.present(), 1) + "," + decimal(mean.yes_rate(), 4) + "," +
           decimal(mean.present_rate(), 4) + "\r\n";
  }
  return csv;
}

}  // namespace tocsin::reports
