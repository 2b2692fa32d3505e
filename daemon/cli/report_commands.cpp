// `tocsin report ID [--region R] [--csv]`: an alert's participation (GET /v1/alerts/{id}/report);
// `tocsin report locals [--kind K] [--last N] [--region R] [--csv]`: each local's
// participation over the last sent alerts of a kind (GET /v1/reports/locals). A table for
// people, the daemon's JSON with --json, its CSV with --csv (to a file: > report.csv).

#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>
#include <string>

#include "cli/api_client.h"
#include "cli/commands.h"
#include "cli/context.h"
#include "cli/report_table.h"
#include "proto/report.pb.h"

namespace tocsin::cli {
namespace {

struct ReportArgs {
  std::string id;
  std::string region;
  bool csv = false;
  std::string kind = "EMERGENCY_ASSEMBLY";
  int last = 5;
};

std::string region_query(const std::string& region, char separator) {
  return region.empty() ? "" : std::string(1, separator) + "region=" + url_escape(region);
}

}  // namespace

void add_report_commands(CLI::App& app, const Context& context) {
  auto args = std::make_shared<ReportArgs>();
  auto* report = app.add_subcommand(
      "report", "an alert's participation afterwards: targeted, reached, answered, yes, present, "
                "no-shows, by region, sector, local and job title (aggregates only)");
  report->add_option("ID", args->id, "the alert's id (tocsin alert list)");
  report->add_option("--region", args->region, "one region only");
  report->add_flag("--csv", args->csv, "print the CSV (one row per group)");
  report->require_subcommand(0, 1);

  auto* locals = report->add_subcommand(
      "locals", "each local's participation in the last sent alerts of a kind, and the mean");
  locals->add_option("--kind", args->kind, "the alerts' kind (default EMERGENCY_ASSEMBLY)");
  locals->add_option("--last", args->last, "how many alerts, newest first (default 5, at most 50)");
  locals->add_option("--region", args->region, "one region only");
  locals->add_flag("--csv", args->csv, "print the CSV (per local, one row per alert and the mean)");
  locals->callback([&context, args] {
    ApiClient api(context.url, context.token);
    const std::string query = "?kind=" + url_escape(args->kind) +
                              "&last=" + std::to_string(args->last) +
                              region_query(args->region, '&');
    if (args->csv) {
      std::cout << api.get("/v1/reports/locals.csv" + query);
      return;
    }
    const std::string body = api.get("/v1/reports/locals" + query);
    if (context.json) {
      std::cout << body << "\n";
      return;
    }
    print_locals_table(std::cout, parse_reply<LocalsReport>(body));
  });

  report->callback([&context, args, locals] {
    if (locals->parsed()) return;
    if (args->id.empty()) {
      throw CommandError(2, "report: give an alert's id (tocsin report ID), or `tocsin report "
                            "locals` for the locals across alerts");
    }
    ApiClient api(context.url, context.token);
    const std::string path = "/v1/alerts/" + url_escape(args->id);
    if (args->csv) {
      std::cout << api.get(path + "/report.csv" + region_query(args->region, '?'));
      return;
    }
    const std::string body = api.get(path + "/report" + region_query(args->region, '?'));
    if (context.json) {
      std::cout << body << "\n";
      return;
    }
    print_report_table(std::cout, parse_reply<ParticipationReport>(body));
  });
}

}  // namespace tocsin::cli
