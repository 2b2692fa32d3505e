#include "cli/report_table.h"

#include <cstdio>
#include <string>
#include <vector>

#include "reports/participation.h"
#include "util/columns.h"
#include "util/control_characters.h"

namespace tocsin::cli {
namespace {

std::string percent(double rate) {
  char text[16];
  std::snprintf(text, sizeof text, "%.1f%%", rate * 100.0);
  return text;
}

std::string one_decimal(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", value);
  return text;
}

TextRow count_row(const std::string& name, const ParticipationCounts& c) {
  return {name,
          std::to_string(c.targeted()),
          std::to_string(c.reached()),
          std::to_string(c.answered()),
          std::to_string(c.yes()),
          std::to_string(c.present()),
          std::to_string(c.present_self()),
          std::to_string(c.no_show()),
          percent(c.yes_rate()),
          percent(c.present_rate())};
}

const TextRow kHeader = {"",        "Targeted", "Reached", "Answered", "Yes",
                         "Present", "Self",     "No-show", "Yes %",    "Present %"};

}  // namespace

void print_report_table(std::ostream& out, const ParticipationReport& report) {
  const TurnoutAlert& alert = report.alert();
  out << escape_control_characters(alert.code() + "  " + alert.title()) << "  (" << alert.state() << ")\n";
  if (report.suppressed()) {
    out << "Targeted: " << report.total().targeted() << ". Fewer than " << report.min_group()
        << " members: no other figure is given.\n";
    return;
  }
  std::vector<TextRow> rows{kHeader, count_row("Total", report.total())};
  write_columns(out, rows);
  const std::pair<const char*, const google::protobuf::RepeatedPtrField<ParticipationGroup>*>
      breakdowns[] = {{"By region", &report.regions()},
                      {"By sector", &report.sectors()},
                      {"By local", &report.locals()},
                      {"By job title", &report.job_titles()}};
  for (const auto& [title, groups] : breakdowns) {
    if (groups->empty()) continue;
    out << "\n" << title << "\n";
    std::vector<TextRow> table{kHeader};
    for (const ParticipationGroup& group : *groups) {
      table.push_back(count_row(escape_control_characters(reports::group_label(group, report.min_group())),
                                group.counts()));
    }
    write_columns(out, table);
  }
  out << "\nSelf: said they were there by SMS, not checked in. No-show: said yes, not there.\n"
      << "Groups under " << report.min_group() << " members are merged: aggregates only.\n";
}

void print_locals_table(std::ostream& out, const LocalsReport& report) {
  out << "Participation by local, last " << report.alerts_size() << " " << report.kind()
      << " alert(s), newest first: present / targeted\n";
  if (report.alerts().empty()) {
    out << "No sent alert of this kind.\n";
    return;
  }
  TextRow header{"Local"};
  for (const TurnoutAlert& alert : report.alerts()) header.push_back(escape_control_characters(alert.code()));
  for (const char* column : {"Mean present", "Mean targeted", "Present %", "Yes %"}) {
    header.push_back(column);
  }
  std::vector<TextRow> rows{header};
  for (const LocalParticipation& local : report.locals()) {
    TextRow row{escape_control_characters(local.name())};
    for (const LocalAlertParticipation& cell : local.alerts()) {
      row.push_back(cell.suppressed()        ? "(small)"
                    : cell.targeted() == 0 ? "-"
                                           : std::to_string(cell.present()) + "/" +
                                                 std::to_string(cell.targeted()));
    }
    const LocalMean& mean = local.mean();
    row.push_back(mean.alerts() > 0 ? one_decimal(mean.present()) : "-");
    row.push_back(mean.alerts() > 0 ? one_decimal(mean.targeted()) : "-");
    row.push_back(mean.alerts() > 0 ? percent(mean.present_rate()) : "-");
    row.push_back(mean.alerts() > 0 ? percent(mean.yes_rate()) : "-");
    rows.push_back(std::move(row));
  }
  write_columns(out, rows);
  out << "\n(small): merged with the groups under " << report.min_group()
      << " members in that alert; -: not in its audience.\n";
}

}  // namespace tocsin::cli
