// Bus seats once an alert is out (issue 18): POST /v1/alerts/{id}/pickups/{pickup}:add-bus
// adds buses to a pickup point that allocates seats; the seats go at once, in order, to the
// members waiting there (seats/seat_lib.lua), who are told by SMS (seats/seat_notifier.h). A
// coordinator may add buses only to the pickup points of their regions.

#include <spdlog/spdlog.h>

#include "alerts/alert_keys.h"
#include "alerts/alert_store.h"
#include "api/responses.h"
#include "api/routes.h"
#include "api/services.h"
#include "api/stored_alert.h"
#include "auth/region_scope.h"
#include "http/json.h"
#include "http/router.h"
#include "log/log.h"
#include "members/text_fold.h"
#include "proto/seats.pb.h"
#include "proto/tocsin.pb.h"
#include "redis/client.h"
#include "seats/seat_store.h"
#include "util/clock.h"

namespace tocsin::api {
namespace {

namespace asio = boost::asio;
using http::error_response;
using http::Request;
using http::Response;

constexpr int kMaxBusesAdded = 10;

asio::awaitable<Response> add_bus(Services& services, Request& request) {
  const std::string id = request.path_params.at("id");
  const std::string pickup = request.path_params.at("pickup");
  AddBusRequest body;
  std::string parse_error;
  if (!request.body.empty() && !http::from_json(request.body, &body, &parse_error)) {
    co_return error_response(400, "malformed JSON body: " + parse_error);
  }
  const int buses = body.buses() == 0 ? 1 : body.buses();
  if (buses < 1 || buses > kMaxBusesAdded) {
    co_return error_response(400, "buses must be between 1 and 10", "buses");
  }
  if (!alerts::is_alert_id(id)) co_return no_alert(id);
  auto stored = co_await read_stored_alert(services.redis, id);
  if (auto* answer = std::get_if<http::Response>(&stored)) co_return std::move(*answer);
  const Alert& alert = std::get<Alert>(stored);
  const PickupPoint* point = nullptr;
  for (const PickupPoint& candidate : alert.pickup_points()) {
    if (candidate.id() == pickup) point = &candidate;
  }
  if (point == nullptr) {
    co_return error_response(404, "the alert has no pickup point \"" + pickup + "\"", "pickup");
  }
  const auto& who = *request.principal;
  if (!auth::sees_region(who, members::fold(point->region()))) {
    co_return error_response(403, "this pickup point is in a region that is not one of yours",
                             "pickup");
  }
  seats::SeatStore store(services.redis);
  const auto outcome = co_await store.add_buses(
      id, pickup, buses, who.name, "pickup=" + pickup + " added=" + std::to_string(buses) +
                                       " token=" + who.token_id,
      services.clock.now_ms());
  using Status = seats::AddBusOutcome::Status;
  switch (outcome.status) {
    case Status::ok:
      break;
    case Status::no_alert:
      co_return no_alert(id);
    case Status::wrong_state:
      co_return error_response(409, "the alert is " + outcome.state + ": its buses are final",
                               "id");
    case Status::no_buses:
      co_return error_response(
          409,
          "pickup point \"" + pickup +
              "\" does not allocate seats (it has no buses and seats_per_bus): seats there are "
              "only counted",
          "pickup");
    case Status::unavailable:
      co_return unavailable();
  }
  spdlog::info("event=bus_added alert={} pickup={} buses={} boarded={} by={}", id,
               log::quote(pickup), outcome.buses, outcome.boarded, log::quote(who.name));
  AddBusResponse response;
  response.set_alert_id(id);
  response.set_pickup(pickup);
  response.set_buses(outcome.buses);
  response.set_seats_per_bus(point->seats_per_bus());
  response.set_boarded(outcome.boarded);
  co_return json(200, response);
}

}  // namespace

void add_seat_routes(http::Router& router, Services& services) {
  const std::vector<auth::Role> organizers = {auth::Role::admin, auth::Role::executive,
                                              auth::Role::coordinator};
  router.add("POST", "/v1/alerts/{id}/pickups/{pickup}:add-bus",
             {.roles = organizers, .needs_redis = true},
             [&services](Request& request) { return add_bus(services, request); });
}

}  // namespace tocsin::api
