// Live turnout (issue 7): GET /v1/alerts/{id}/turnout[?region=R], the counts of an alert by
// region, sector, local, job title and pickup point, and its targets; a coordinator gets
// only their regions' (turnout/turnout_scope.h), filtered here, on the server.

#include <variant>

#include "alerts/alert_store.h"
#include "api/routes.h"
#include "api/services.h"
#include "http/router.h"
#include "turnout/turnout_model.h"
#include "turnout/turnout_reader.h"
#include "turnout/turnout_scope.h"

namespace tocsin::api {
namespace {

namespace asio = boost::asio;
using http::error_response;
using http::Request;
using http::Response;

Response no_alert(const std::string& id) {
  return error_response(404, "no alert with id \"" + id + "\"", "id");
}

// The viewer's scope, or the 403 for a region outside it. An empty region= is none.
std::variant<turnout::Scope, Response> scope_of(const Request& request) {
  auto region = request.query_param("region");
  if (region && region->empty()) region.reset();
  auto scope = turnout::make_scope(*request.principal, region);
  if (!scope) return error_response(403, "this region is not one of yours", "region");
  return std::move(*scope);
}

asio::awaitable<Response> get_turnout(Services& services, Request& request) {
  const std::string id = request.path_params.at("id");
  auto scope = scope_of(request);
  if (auto* refused = std::get_if<Response>(&scope)) co_return std::move(*refused);
  if (!alerts::is_alert_id(id)) co_return no_alert(id);
  auto read = co_await turnout::read_turnout(services.redis, id, std::get<turnout::Scope>(scope));
  using Status = turnout::TurnoutRead::Status;
  if (read.status == Status::not_found) co_return no_alert(id);
  if (read.status != Status::ok) {
    co_return error_response(503, "Redis is unavailable; try again shortly");
  }
  Response response;
  response.body = turnout::to_json(read.turnout);
  response.headers.emplace_back("Cache-Control", "no-store");
  co_return response;
}

}  // namespace

void add_turnout_routes(http::Router& router, Services& services) {
  const std::vector<auth::Role> viewers = {auth::Role::admin, auth::Role::executive,
                                           auth::Role::coordinator};
  router.add("GET", "/v1/alerts/{id}/turnout", {.roles = viewers, .needs_redis = true},
             [&services](Request& request) { return get_turnout(services, request); });
}

}  // namespace tocsin::api
