// tocsin alert add-bus ID PICKUP [--buses N]: more buses for a pickup point once the
// alert is out; the daemon gives the new seats to the members waiting, who are texted.

#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>

#include "cli/api_client.h"
#include "cli/commands.h"
#include "cli/context.h"
#include "http/json.h"
#include "proto/seats.pb.h"

namespace tocsin::cli {

void add_seat_commands(CLI::App& alert, const Context& context) {
  auto id = std::make_shared<std::string>();
  auto pickup = std::make_shared<std::string>();
  auto buses = std::make_shared<int>(1);
  auto* add_bus = alert.add_subcommand(
      "add-bus", "add buses to a pickup point: the members waiting there get the seats");
  add_bus->add_option("ID", *id, "the alert's id (tocsin alert list)")->required();
  add_bus->add_option("PICKUP", *pickup, "the pickup point's id, as in the alert")->required();
  add_bus->add_option("--buses", *buses, "how many buses to add (1 to 10, default 1)");
  add_bus->callback([&context, id, pickup, buses] {
    ApiClient api(context.url, context.token);
    AddBusRequest request;
    request.set_buses(*buses);
    const std::string body = api.post("/v1/alerts/" + url_escape(*id) + "/pickups/" +
                                          url_escape(*pickup) + ":add-bus",
                                      http::to_json(request));
    if (context.json) {
      std::cout << body << "\n";
      return;
    }
    const auto added = parse_reply<AddBusResponse>(body);
    std::cout << "pickup point " << added.pickup() << ": " << added.buses() << " buses of "
              << added.seats_per_bus() << " seats; " << added.boarded()
              << " waiting members got a seat and are being texted\n";
  });
}

}  // namespace tocsin::cli
