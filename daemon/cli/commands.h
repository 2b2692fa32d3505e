#pragma once
// Each command group registers its subcommands on the CLI11 app. A command's callback
// throws CommandError to fail; main turns that into one line on stderr and the exit code.

namespace CLI {
class App;
}

namespace tocsin::cli {

struct Context;

void add_status_command(CLI::App& app, const Context& context);
void add_token_commands(CLI::App& app, const Context& context);
void add_account_commands(CLI::App& app, const Context& context);
void add_member_commands(CLI::App& app, const Context& context);
void add_alert_commands(CLI::App& app, const Context& context);
void add_template_commands(CLI::App& app, const Context& context);
// request-approval, decline, audit: under `tocsin alert` (add_alert_commands calls it).
void add_alert_approval_commands(CLI::App& alert, const Context& context);
// add-bus: under `tocsin alert`.
void add_seat_commands(CLI::App& alert, const Context& context);
void add_reply_commands(CLI::App& app, const Context& context);
void add_watch_command(CLI::App& app, const Context& context);

}  // namespace tocsin::cli
