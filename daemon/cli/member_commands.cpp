#include <CLI/CLI.hpp>

#include <algorithm>
#include <iostream>
#include <memory>

#include "cli/api_client.h"
#include "cli/commands.h"
#include "cli/context.h"
#include "cli/files.h"
#include "cli/table.h"
#include "members/roster_limits.h"
#include "proto/tocsin.pb.h"

namespace tocsin::cli {
namespace {

constexpr int kSharedPhoneExamples = 3;

// "+1819***0101 (lines 14, 523)": a number as logs mask it, and where the file has it.
std::string shared_phone_words(const SharedPhone& shared) {
  std::string text = shared.phone() + (shared.lines_size() == 1 ? " (line " : " (lines ");
  for (int i = 0; i < shared.lines_size(); ++i) {
    text += (i > 0 ? ", " : "") + std::to_string(shared.lines(i));
  }
  return text + ")";
}

void print_report(const ImportReport& report) {
  std::cout << (report.dry_run() ? "Dry run: nothing was changed.\n" : "");
  print_table(
      std::cout,
      {
          {"rows", std::to_string(report.rows())},
          {report.dry_run() ? "would import" : "imported", std::to_string(report.imported())},
          {report.dry_run() ? "would update" : "updated", std::to_string(report.updated())},
          {"unchanged", std::to_string(report.unchanged())},
          {report.dry_run() ? "would remove" : "removed", std::to_string(report.removed())},
          {"rejected", std::to_string(report.rejected())},
          {"shared phones", std::to_string(report.shared_phones()) + " numbers, for " +
                                std::to_string(report.shared_phone_members()) +
                                " members of the file (one message per number per alert)"},
          {"encoding", report.encoding()},
          {"seconds", std::to_string(report.seconds())},
      });
  // A summary, not one line per number: a roster of couples may share thousands.
  if (report.phones_shared_size() > 0) {
    std::cout << "shared phones, e.g.: ";
    const int shown = std::min(report.phones_shared_size(), kSharedPhoneExamples);
    for (int i = 0; i < shown; ++i) {
      std::cout << (i > 0 ? ", " : "") << shared_phone_words(report.phones_shared(i));
    }
    std::cout << (report.phones_shared_size() > shown ? ", ... (all of them: --json)" : "") << "\n";
  }
  for (const auto& column : report.ignored_columns()) {
    std::cout << "ignored column: " << column << "\n";
  }
  for (const auto& problem : report.problems()) {
    std::cout << "line " << problem.line();
    if (!problem.column().empty()) std::cout << ", " << problem.column();
    std::cout << (problem.rejected() ? ": rejected: " : ": ") << problem.reason() << "\n";
  }
  if (report.problems_not_listed() > 0) {
    std::cout << "... and " << report.problems_not_listed() << " more problems (see --json)\n";
  }
}

}  // namespace

void add_member_commands(CLI::App& app, const Context& context) {
  auto* members = app.add_subcommand("members", "the roster: import it, count audiences");
  members->require_subcommand(1);

  struct ImportArgs {
    std::string file;
    bool dry_run = false;
    bool replace = false;
  };
  auto import_args = std::make_shared<ImportArgs>();
  auto* import_command =
      members->add_subcommand("import", "import a roster CSV (French or English)");
  import_command->add_option("FILE", import_args->file, "the CSV file")->required();
  import_command->add_flag("--dry-run", import_args->dry_run,
                           "report what would change; change nothing");
  import_command->add_flag("--replace", import_args->replace,
                           "also remove members absent from the file (opt-outs are kept)");
  import_command->callback([&context, import_args] {
    const std::string csv = read_file(import_args->file, members::kMaxRosterBytes);
    std::string path = "/v1/members:import";
    std::string query;
    if (import_args->dry_run) query += "dry_run=true";
    if (import_args->replace) query += std::string(query.empty() ? "" : "&") + "replace=true";
    if (!query.empty()) path += "?" + query;
    ApiClient api(context.url, context.token);
    const std::string body = api.post(path, csv, "text/csv; charset=utf-8");
    if (context.json) {
      std::cout << body << "\n";
      return;
    }
    print_report(parse_reply<ImportReport>(body));
  });

  auto expression = std::make_shared<std::string>();
  auto* count = members->add_subcommand(
      "count", "count an audience, e.g. 'region:estrie AND (sector:sante OR tag:mob-unit)'");
  count->add_option("AUDIENCE", *expression, "audience expression, or 'all'")->required();
  count->callback([&context, expression] {
    ApiClient api(context.url, context.token);
    const std::string body = api.get("/v1/members:count?audience=" + url_escape(*expression));
    if (context.json) {
      std::cout << body << "\n";
      return;
    }
    const auto reply = parse_reply<MemberCountResponse>(body);
    print_table(std::cout, {
                               {"audience", reply.audience()},
                               {"members", std::to_string(reply.members())},
                               {"reachable by SMS", std::to_string(reply.sms_reachable())},
                               {"reachable by email", std::to_string(reply.email_reachable())},
                           });
    for (const auto& term : reply.unknown_terms()) {
      std::cerr << "warning: " << term << " matches no member (a typo?)\n";
    }
  });
}

}  // namespace tocsin::cli
