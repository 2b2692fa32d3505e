// tocsin: the command line, a client of the daemon's HTTP API and nothing else
// (daemon/README.md, "One contract").

#include <curl/curl.h>
#include <CLI/CLI.hpp>

#include <cstdlib>
#include <iostream>

#include "cli/api_client.h"
#include "cli/commands.h"
#include "cli/context.h"
#include "util/control_characters.h"

namespace {

std::string from_env(const char* name, std::string fallback = {}) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? value : fallback;
}

}  // namespace

int main(int argc, char** argv) {
  curl_global_init(CURL_GLOBAL_DEFAULT);
  tocsin::cli::Context context;
  context.url = from_env("TOCSIN_URL", "http://127.0.0.1:8080");
  context.token = from_env("TOCSIN_TOKEN");

  CLI::App app{"tocsin: sound the alarm, watch turnout (talks to tocsind)", "tocsin"};
  app.add_option("--url", context.url, "the daemon's URL (default $TOCSIN_URL)");
  app.add_option("--token", context.token, "API token (default $TOCSIN_TOKEN)");
  app.add_flag("--json", context.json, "print the daemon's JSON answer, for scripts");
  app.require_subcommand(1);
  // Global options may also follow the subcommand: `tocsin status --json`.
  app.fallthrough();
  tocsin::cli::add_status_command(app, context);
  tocsin::cli::add_token_commands(app, context);
  tocsin::cli::add_account_commands(app, context);
  tocsin::cli::add_member_commands(app, context);
  tocsin::cli::add_alert_commands(app, context);
  tocsin::cli::add_template_commands(app, context);
  tocsin::cli::add_reply_commands(app, context);
  tocsin::cli::add_watch_command(app, context);
  tocsin::cli::add_report_commands(app, context);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  } catch (const tocsin::cli::CommandError& e) {
    // An error may quote what the daemon stored or was sent: one line, no raw control.
    std::cerr << "tocsin: " << tocsin::escape_control_characters(e.what()) << "\n";
    // The hint's lines are the command's own words (any stored text in them escaped there).
    std::cerr << e.hint();
    return e.exit_code();
  }
  return 0;
}
