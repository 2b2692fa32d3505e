#include <CLI/CLI.hpp>

#include <iostream>

#include "cli/api_client.h"
#include "cli/commands.h"
#include "cli/context.h"
#include "cli/table.h"
#include "http/json.h"
#include "proto/tocsin.pb.h"

namespace tocsin::cli {

void add_status_command(CLI::App& app, const Context& context) {
  auto* status = app.add_subcommand("status", "show the daemon's state and who the token is");
  status->callback([&context] {
    ApiClient api(context.url, context.token);
    const std::string body = api.get("/v1/status");
    if (context.json) {
      std::cout << body << "\n";
      return;
    }
    StatusResponse reply;
    std::string error;
    if (!http::from_json(body, &reply, &error)) {
      throw CommandError(1, "unexpected answer from the daemon: " + error);
    }
    std::string regions;
    for (const auto& region : reply.regions()) regions += (regions.empty() ? "" : ", ") + region;
    print_table(std::cout, {
                               {"daemon", context.url},
                               {"version", reply.version()},
                               {"uptime", std::to_string(reply.uptime_seconds()) + " s"},
                               {"redis", reply.redis_connected() ? "connected" : "DISCONNECTED"},
                               {"redis reconnects", std::to_string(reply.redis_reconnects())},
                               {"token", reply.token_name()},
                               {"role", reply.role()},
                               {"regions", regions.empty() ? "(all)" : regions},
                           });
  });
}

}  // namespace tocsin::cli
