#include <CLI/CLI.hpp>

#include <iostream>

#include "cli/api_client.h"
#include "cli/commands.h"
#include "cli/context.h"
#include "http/json.h"
#include "proto/tocsin.pb.h"
#include "util/columns.h"
#include "util/control_characters.h"

namespace tocsin::cli {
namespace {

// What was made, in words: `created an executive token named "Marie" (every region; it
// does not expire)`.
std::string describe(const CreateTokenResponse& reply) {
  const std::string& role = reply.role();
  std::string text = std::string("created ") +
                     (role == "admin" || role == "executive" ? "an " : "a ") + role +
                     " token named \"" + reply.name() + "\" (";
  if (reply.regions().empty()) {
    text += "every region";
  } else {
    text += reply.regions_size() == 1 ? "region " : "regions ";
    for (int i = 0; i < reply.regions_size(); ++i) text += (i > 0 ? ", " : "") + reply.regions(i);
  }
  if (reply.expires_in_days() > 0) {
    return text + "; it expires in " + std::to_string(reply.expires_in_days()) + " days)";
  }
  return text + "; it does not expire)";
}

}  // namespace

void add_token_commands(CLI::App& app, const Context& context) {
  auto* token = app.add_subcommand("token", "manage API tokens (admin)");
  token->require_subcommand(1);

  struct CreateOptions {
    std::string role;
    std::vector<std::string> regions;
    std::string name;
    bool force = false;
  };
  auto options = std::make_shared<CreateOptions>();
  auto* create = token->add_subcommand(
      "create",
      "create a token: what was created on stderr, then the token alone on stdout (shown once)");
  create->add_option("--role", options->role, "admin, executive or coordinator")
      ->required()
      ->check(CLI::IsMember({"admin", "executive", "coordinator"}));
  create->add_option("--region", options->regions,
                     "a region a coordinator may see (repeat for several)");
  create->add_option("--name", options->name, "who holds the token (for the audit log)")
      ->required();
  create->add_flag("--force", options->force,
                   "accept a region no member has yet (before the roster naming it is imported)");
  create->callback([&context, options] {
    CreateTokenRequest request;
    request.set_role(options->role);
    request.set_name(options->name);
    request.set_force(options->force);
    for (const auto& region : options->regions) request.add_regions(region);
    ApiClient api(context.url, context.token);
    const std::string body = api.post("/v1/tokens", http::to_json(request));
    if (context.json) {
      std::cout << body << "\n";
      return;
    }
    CreateTokenResponse reply;
    std::string error;
    if (!http::from_json(body, &reply, &error)) {
      throw CommandError(1, "unexpected answer from the daemon: " + error);
    }
    // The description and warning go to stderr, the token alone to stdout: on a terminal
    // the token is the last line, where it is not lost above the text; `T=$(tocsin token
    // create ...)` still captures only the token.
    std::cerr << escape_control_characters(describe(reply)) << "\n"
              << "the token is shown once, below: store it now (the daemon keeps only a hash of "
                 "it)\n"
              << std::flush;
    std::cout << reply.token() << "\n";
  });

  auto* list = token->add_subcommand("list", "list the tokens (their ids, never the tokens)");
  list->callback([&context] {
    ApiClient api(context.url, context.token);
    const std::string body = api.get("/v1/tokens");
    if (context.json) {
      std::cout << body << "\n";
      return;
    }
    const auto tokens = parse_reply<TokenListResponse>(body);
    std::vector<TextRow> rows{{"ID", "NAME", "ROLE", "REGIONS", "CREATED BY"}};
    for (const auto& summary : tokens.tokens()) {
      std::string regions;
      for (const auto& region : summary.regions())
        regions += (regions.empty() ? "" : ", ") + region;
      rows.push_back({summary.id(), summary.name(), summary.role(), regions, summary.created_by()});
    }
    write_columns(std::cout, rows);
  });

  auto id = std::make_shared<std::string>();
  auto* revoke = token->add_subcommand(
      "revoke", "revoke a token: requests made with it are refused from now on");
  revoke->add_option("id", *id, "the token's id (tocsin token list)")->required();
  revoke->callback([&context, id] {
    ApiClient api(context.url, context.token);
    const std::string body = api.post("/v1/tokens/" + url_escape(*id) + ":revoke", "{}");
    if (context.json) {
      std::cout << body << "\n";
      return;
    }
    std::cout << "revoked token " << *id << "\n";
  });
}

}  // namespace tocsin::cli
