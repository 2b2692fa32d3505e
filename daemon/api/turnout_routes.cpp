// Live turnout (issue 7): GET /v1/alerts/{id}/turnout[?region=R], the counts of an alert by
// region, sector, local, job title and pickup point, and its targets; a coordinator gets
// only their regions' (turnout/turnout_scope.h), filtered here, on the server. And
// GET /v1/alerts/{id}/rides.csv?region=R, the one view with names: a region's ride list.

#include <spdlog/spdlog.h>

#include <variant>

#include "alerts/alert_keys.h"
#include "alerts/alert_store.h"
#include "api/responses.h"
#include "api/routes.h"
#include "api/services.h"
#include "api/stored_alert.h"
#include "api/viewer_scope.h"
#include "audit/audit_keys.h"
#include "http/router.h"
#include "log/log.h"
#include "proto/tocsin.pb.h"
#include "redis/client.h"
#include "redis/decode.h"
#include "turnout/ride_list.h"
#include "turnout/turnout_model.h"
#include "turnout/turnout_reader.h"
#include "turnout/turnout_scope.h"

namespace tocsin::api {
namespace {

namespace asio = boost::asio;
using http::error_response;
using http::Request;
using http::Response;

asio::awaitable<Response> get_turnout(Services& services, Request& request) {
  const std::string id = request.path_params.at("id");
  auto scope = viewer_scope(request);
  if (auto* refused = std::get_if<Response>(&scope)) co_return std::move(*refused);
  if (!alerts::is_alert_id(id)) co_return no_alert(id);
  auto read = co_await turnout::read_turnout(services.redis, id, std::get<turnout::Scope>(scope),
                                             services.channel_has_receipts);
  using Status = turnout::TurnoutRead::Status;
  if (read.status == Status::not_found) co_return no_alert(id);
  if (read.status != Status::ok) co_return unavailable();
  Response response;
  response.body = turnout::to_json(read.turnout);
  response.headers.emplace_back("Cache-Control", "no-store");
  co_return response;
}

// GET /v1/alerts/{id}/rides.csv?region=R: the region's ride list, audited before it is sent.
asio::awaitable<Response> get_rides(Services& services, Request& request) {
  const std::string id = request.path_params.at("id");
  const auto region = request.query_param("region");
  if (!region || region->empty()) {
    co_return error_response(400, "region is required: a ride list is one region's", "region");
  }
  const auto scope = turnout::make_scope(*request.principal, *region);
  if (!scope) co_return error_response(403, "this region is not one of yours", "region");
  const std::string part = *scope->regions().begin();
  if (!alerts::is_alert_id(id)) co_return no_alert(id);
  auto stored = co_await read_stored_alert(services.redis, id);
  if (auto* answer = std::get_if<http::Response>(&stored)) co_return std::move(*answer);
  const Alert& alert = std::get<Alert>(stored);

  auto list = co_await turnout::read_rides(services.redis, id, part);
  if (!list) co_return unavailable();
  // Written before the body leaves: no ride list without its audit entry. Names and
  // phones never go in it.
  const auto& who = *request.principal;
  redis::Command audit{
      "XADD",
      std::string(audit::keys::kAudit),
      "*",
      "actor",
      who.name,
      "action",
      "rides.download",
      "subject",
      id,
      "detail",
      "region=" + part + " rows=" + std::to_string(list->rides.size()) + " token=" + who.token_id};
  if (!redis::decode<redis::Ignore>(co_await services.redis.exec(std::move(audit)))) {
    co_return unavailable();
  }
  spdlog::info("event=rides_downloaded alert={} region={} rows={} by={}", id, log::quote(part),
               list->rides.size(), log::quote(who.name));

  Response response;
  response.content_type = "text/csv; charset=utf-8";
  response.body = turnout::rides_csv(list->rides, list->riders, alert);
  response.headers.emplace_back("Content-Disposition", "attachment; filename=\"rides-" +
                                                           alert.code() + "-" + part + ".csv\"");
  response.headers.emplace_back("Cache-Control", "no-store");
  co_return response;
}

}  // namespace

void add_turnout_routes(http::Router& router, Services& services) {
  const std::vector<auth::Role> viewers = {auth::Role::admin, auth::Role::executive,
                                           auth::Role::coordinator};
  router.add("GET", "/v1/alerts/{id}/turnout", {.roles = viewers, .needs_redis = true},
             [&services](Request& request) { return get_turnout(services, request); });
  router.add("GET", "/v1/alerts/{id}/rides.csv", {.roles = viewers, .needs_redis = true},
             [&services](Request& request) { return get_rides(services, request); });
}

}  // namespace tocsin::api
