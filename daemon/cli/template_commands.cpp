#include <google/protobuf/text_format.h>
#include <google/protobuf/util/json_util.h>
#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>

#include "cli/alert_words.h"
#include "cli/api_client.h"
#include "cli/commands.h"
#include "cli/context.h"
#include "cli/files.h"
#include "proto/console.pb.h"
#include "util/columns.h"
#include "util/text_format_errors.h"

namespace tocsin::cli {
namespace {

// "2027-05-31 09:12 UTC by Marie", or "as built (config/alerts/templates/)" for a seed.
std::string updated_words(const AlertTemplate& tmpl) {
  if (tmpl.updated_by().empty()) return "as built (config/alerts/templates/)";
  const time_t at = static_cast<time_t>(tmpl.updated_at_unix());
  std::tm utc{};
  gmtime_r(&at, &utc);
  char when[32];
  std::strftime(when, sizeof when, "%Y-%m-%d %H:%M UTC", &utc);
  return std::string(when) + " by " + tmpl.updated_by();
}

// A PUT refused for its content: each problem on its own line, as FILE: field: reason.
[[noreturn]] void report_refusal(const ApiError& error, const std::string& file) {
  TemplateRefusal refusal;
  google::protobuf::util::JsonParseOptions lenient;
  lenient.ignore_unknown_fields = true;
  if (error.status() != 400 ||
      !google::protobuf::util::JsonStringToMessage(error.body(), &refusal, lenient).ok() ||
      refusal.problems().empty()) {
    throw error;
  }
  std::string lines;
  for (const ErrorResponse& problem : refusal.problems()) {
    if (!lines.empty()) lines += "\n";
    lines += file + ": " + problem.field() + ": " + problem.error();
  }
  throw CommandError(2, lines, "nothing was saved: the template in the daemon is unchanged");
}

}  // namespace

void add_template_commands(CLI::App& app, const Context& context) {
  auto* group = app.add_subcommand(
      "template", "the union's alert templates, one per kind (what a new alert starts from)");
  group->require_subcommand(1);

  auto* list = group->add_subcommand("list", "each kind's template: title, channels, last edit");
  list->callback([&context] {
    ApiClient api(context.url, context.token);
    const std::string body = api.get("/v1/templates");
    if (context.json) {
      std::cout << body << "\n";
      return;
    }
    const auto templates = parse_reply<TemplateListResponse>(body);
    std::vector<TextRow> rows{{"KIND", "CHANNELS", "UPDATED", "TITLE"}};
    for (const AlertTemplate& tmpl : templates.templates()) {
      rows.push_back({tmpl.kind_name(), channel_words(tmpl.alert().channels()), updated_words(tmpl),
                      tmpl.alert().title()});
    }
    write_columns(std::cout, rows);
  });

  auto kind = std::make_shared<std::string>();
  auto* show = group->add_subcommand(
      "show", "print a kind's template as an alert file (edit it, then tocsin template set)");
  show->add_option("kind", *kind, "emergency-assembly, special-law-threat, banner-drop, ...")
      ->required();
  show->callback([&context, kind] {
    ApiClient api(context.url, context.token);
    const std::string body = api.get("/v1/templates/" + url_escape(*kind));
    if (context.json) {
      std::cout << body << "\n";
      return;
    }
    const auto tmpl = parse_reply<AlertTemplate>(body);
    google::protobuf::TextFormat::Printer printer;
    printer.SetUseUtf8StringEscaping(true);  // "Assemblée", not "Assembl\303\251e"
    std::string text;
    printer.PrintToString(tmpl.alert(), &text);
    std::cout << "# The " << tmpl.kind_name() << " template, " << updated_words(tmpl) << ".\n"
              << "# Save changes with: tocsin template set " << tmpl.kind_name() << " FILE\n\n"
              << text;
  });

  auto set_kind = std::make_shared<std::string>();
  auto file = std::make_shared<std::string>();
  auto* set = group->add_subcommand(
      "set",
      "replace a kind's template with an alert file (admin); checked as an alert is, "
      "but without event time, expiry or audience");
  set->add_option("kind", *set_kind, "emergency-assembly, special-law-threat, ...")->required();
  set->add_option("file", *file, "protobuf text format of tocsin.Alert")->required();
  set->callback([&context, set_kind, file] {
    const std::string text = read_file(*file, kMaxAlertFileBytes);
    Alert tmpl;
    if (auto problem = text_format::parse(text, &tmpl, "a template")) {
      throw CommandError(2, problem->position_in(*file) + ": " + problem->message);
    }
    ApiClient api(context.url, context.token);
    std::string body;
    try {
      body = api.put("/v1/templates/" + url_escape(*set_kind), http::to_json(tmpl));
    } catch (const ApiError& error) {
      report_refusal(error, *file);
    }
    if (context.json) {
      std::cout << body << "\n";
      return;
    }
    const auto saved = parse_reply<AlertTemplate>(body);
    std::cout << "saved the " << saved.kind_name()
              << " template: new alerts of this kind start from it\n";
  });
}

}  // namespace tocsin::cli
