// `tocsin reply explain 'TEXT'`: how the daemon reads a member's reply, computed here with
// the same reader (replies/reply_reader.h), so it needs no daemon, token or config.

#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/context.h"
#include "replies/reply_reader.h"

namespace tocsin::cli {
namespace {

struct ExplainArgs {
  std::string text;
  std::vector<std::string> pickup_ids;
};

}  // namespace

void add_reply_commands(CLI::App& app, const Context& context) {
  auto* reply = app.add_subcommand("reply", "how members' replies are read (no daemon needed)");
  reply->require_subcommand(1);

  auto args = std::make_shared<ExplainArgs>();
  auto* explain = reply->add_subcommand(
      "explain", "print how a reply is read, as JSON: answer, transport, seats, party, keyword, "
                 "confidence, code");
  explain->add_option("TEXT", args->text, "the reply as a member would send it")->required();
  explain->add_option("--pickup", args->pickup_ids,
                      "an alert's pickup point id, as in \"BUS MTL\" (repeatable)");
  explain->callback([args] {
    replies::ReadOptions options;
    options.pickup_ids = args->pickup_ids;
    std::cout << replies::to_json(replies::read_reply(args->text, options)) << "\n";
  });
}

}  // namespace tocsin::cli
