#include <CLI/CLI.hpp>

#include <iostream>

#include "cli/api_client.h"
#include "cli/commands.h"
#include "cli/context.h"
#include "http/json.h"
#include "proto/tocsin.pb.h"
#include "util/columns.h"

namespace tocsin::cli {
namespace {

std::string joined(const google::protobuf::RepeatedPtrField<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

// One line per account: what an admin checks before disabling one.
void print_accounts(const AccountListResponse& list) {
  if (list.accounts().empty()) {
    std::cout << "no accounts yet (tocsin account create adds one)\n";
    return;
  }
  std::vector<TextRow> rows{{"ID", "NAME", "ROLE", "REGIONS", "MOBILE", "EMAIL", "STATE"}};
  for (const auto& account : list.accounts()) {
    rows.push_back({account.id(), account.name(), account.role(), joined(account.regions()),
                    account.mobile(), account.email(), account.disabled() ? "disabled" : "active"});
  }
  write_columns(std::cout, rows);
}

}  // namespace

void add_account_commands(CLI::App& app, const Context& context) {
  auto* account = app.add_subcommand(
      "account", "manage the accounts of people who sign in to the dashboard by code (admin)");
  account->require_subcommand(1);

  auto request = std::make_shared<CreateAccountRequest>();
  auto regions = std::make_shared<std::vector<std::string>>();
  auto* create = account->add_subcommand(
      "create", "create an account; its holder signs in with a code sent to the mobile or email");
  create
      ->add_option_function<std::string>(
          "--name", [request](const std::string& v) { request->set_name(v); },
          "the person's name (shown on the dashboard and in the audit)")
      ->required();
  create
      ->add_option_function<std::string>(
          "--role", [request](const std::string& v) { request->set_role(v); },
          "admin, executive or coordinator")
      ->required()
      ->check(CLI::IsMember({"admin", "executive", "coordinator"}));
  create->add_option("--region", *regions, "a region a coordinator may see (repeat for several)");
  create->add_flag_function(
      "--force", [request](std::int64_t) { request->set_force(true); },
      "accept a region no member has yet (before the roster naming it is imported)");
  create->add_option_function<std::string>(
      "--mobile", [request](const std::string& v) { request->set_mobile(v); },
      "mobile number for sign-in codes by SMS (e.g. 514-555-0101 or +15145550101)");
  create->add_option_function<std::string>(
      "--email", [request](const std::string& v) { request->set_email(v); },
      "email address for sign-in codes by email");
  create->callback([&context, request, regions] {
    for (const auto& region : *regions) request->add_regions(region);
    ApiClient api(context.url, context.token);
    const std::string body = api.post("/v1/accounts", http::to_json(*request));
    if (context.json) {
      std::cout << body << "\n";
      return;
    }
    const auto created = parse_reply<AccountView>(body);
    std::cout << "created account " << created.id() << " for " << created.name() << " ("
              << created.role() << ")\n";
  });

  auto* list = account->add_subcommand("list", "list the accounts, active and disabled");
  list->callback([&context] {
    ApiClient api(context.url, context.token);
    const std::string body = api.get("/v1/accounts");
    if (context.json) {
      std::cout << body << "\n";
      return;
    }
    print_accounts(parse_reply<AccountListResponse>(body));
  });

  auto id = std::make_shared<std::string>();
  auto* disable = account->add_subcommand(
      "disable", "disable an account: it can no longer sign in, and its sessions end at once");
  disable->add_option("id", *id, "the account's id (tocsin account list)")->required();
  disable->callback([&context, id] {
    ApiClient api(context.url, context.token);
    const std::string body = api.post("/v1/accounts/" + url_escape(*id) + ":disable", "{}");
    if (context.json) {
      std::cout << body << "\n";
      return;
    }
    const auto disabled = parse_reply<AccountView>(body);
    std::cout << "disabled account " << disabled.id() << " (" << disabled.name()
              << "): its sessions have ended\n";
  });
}

}  // namespace tocsin::cli
