// tocsin alert request-approval | decline | audit: what happens to an alert after its
// creation, as the console's alert page does it.

#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>

#include "cli/alert_words.h"
#include "cli/api_client.h"
#include "cli/commands.h"
#include "cli/context.h"
#include "http/json.h"
#include "proto/console.pb.h"
#include "util/columns.h"
#include "util/control_characters.h"

namespace tocsin::cli {
namespace {

std::string alert_path(const std::string& id) {
  return "/v1/alerts/" + url_escape(id);
}

}  // namespace

void add_alert_approval_commands(CLI::App& alert, const Context& context) {
  auto request_id = std::make_shared<std::string>();
  auto* request = alert.add_subcommand(
      "request-approval",
      "send every other executive the link to approve a draft (SMS and email, at once)");
  request->add_option("ID", *request_id, "the draft's id (tocsin alert list)")->required();
  request->callback([&context, request_id] {
    ApiClient api(context.url, context.token);
    const std::string body = api.post(alert_path(*request_id) + ":request-approval", "{}");
    if (context.json) {
      std::cout << body << "\n";
      return;
    }
    const auto answer = parse_reply<ApprovalRequestResponse>(body);
    std::string names;
    for (const auto& name : answer.notified_names()) {
      names += (names.empty() ? "" : ", ") + escape_control_characters(name);
    }
    std::cout << "approval requested of " << answer.notified_names_size() << " executive"
              << (answer.notified_names_size() == 1 ? "" : "s") << " (" << names
              << "): " << answer.notified_sms() << " by SMS, " << answer.notified_email()
              << " by email; their link works until "
              << UnionClock("UTC").at_unix(answer.link_expires_at_unix()) << " UTC\n"
              << "follow it: tocsin alert audit " << *request_id << "\n";
  });

  auto decline_id = std::make_shared<std::string>();
  auto reason = std::make_shared<std::string>();
  auto* decline = alert.add_subcommand(
      "decline", "refuse to approve a draft, saying why (it stays a draft; its creator sees why)");
  decline->add_option("ID", *decline_id, "the draft's id")->required();
  decline->add_option("--reason", *reason, "why, 1 to 500 characters")->required();
  decline->callback([&context, decline_id, reason] {
    ApiClient api(context.url, context.token);
    DeclineRequest request;
    request.set_reason(*reason);
    const std::string body = api.post(alert_path(*decline_id) + ":decline", http::to_json(request));
    if (context.json) {
      std::cout << body << "\n";
      return;
    }
    std::cout << "declined alert " << *decline_id << "; it stays a draft\n";
  });

  auto audit_id = std::make_shared<std::string>();
  auto* audit = alert.add_subcommand(
      "audit", "an alert's trail: created, approval asked, approved or declined, sent...");
  audit->add_option("ID", *audit_id, "the alert's id")->required();
  audit->callback([&context, audit_id] {
    ApiClient api(context.url, context.token);
    const std::string body = api.get(alert_path(*audit_id) + "/audit");
    if (context.json) {
      std::cout << body << "\n";
      return;
    }
    const auto trail = parse_reply<AlertAuditResponse>(body);
    const UnionClock clock(trail.time_zone());
    if (trail.entries_size() == 0) {
      std::cout << "no entries for this alert (alerts created before this version have none)\n";
      return;
    }
    // write_columns escapes control characters itself.
    std::vector<TextRow> rows{{"when (" + clock.zone_name() + ")", "who", "what", "detail"}};
    for (const auto& entry : trail.entries()) {
      rows.push_back(
          {clock.at_unix(entry.at_ms() / 1000), entry.actor(), entry.action(), entry.detail()});
    }
    write_columns(std::cout, rows);
  });
}

}  // namespace tocsin::cli
