// What the union learns afterwards (issue 18): GET /v1/alerts/{id}/report and its .csv, an
// alert's participation by region, sector, local and job title; GET /v1/reports/locals and
// its .csv, each local's participation over the last sent alerts of a kind. Aggregates only
// (reports/participation.h: no figure about fewer than 5 members); a coordinator gets only
// their regions' (turnout/turnout_scope.h), filtered here, on the server.

#include <charconv>
#include <variant>

#include "alerts/alert_store.h"
#include "api/responses.h"
#include "api/routes.h"
#include "api/services.h"
#include "api/viewer_scope.h"
#include "http/router.h"
#include "reports/participation.h"
#include "reports/report_csv.h"
#include "reports/report_reader.h"
#include "turnout/turnout_scope.h"

namespace tocsin::api {
namespace {

namespace asio = boost::asio;
using http::error_response;
using http::Request;
using http::Response;

constexpr int kDefaultLast = 5;
constexpr int kMostLast = 50;

Response csv_response(std::string body, const std::string& file_name) {
  Response response;
  response.content_type = "text/csv; charset=utf-8";
  response.body = std::move(body);
  response.headers.emplace_back("Content-Disposition",
                                "attachment; filename=\"" + file_name + "\"");
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

asio::awaitable<Response> get_report(Services& services, Request& request, bool csv) {
  const std::string id = request.path_params.at("id");
  auto scope = viewer_scope(request);
  if (auto* refused = std::get_if<Response>(&scope)) co_return std::move(*refused);
  if (!alerts::is_alert_id(id)) {
    co_return no_alert(id);
  }
  auto read =
      co_await reports::read_report(services.redis, id, std::get<turnout::Scope>(scope));
  using Status = reports::ReportRead::Status;
  if (read.status == Status::not_found) {
    co_return no_alert(id);
  }
  if (read.status != Status::ok) co_return unavailable();
  if (csv) {
    co_return csv_response(reports::report_csv(read.report),
                           "report-" + read.report.alert().code() + ".csv");
  }
  Response response;
  response.body = reports::to_json(read.report);
  response.headers.emplace_back("Cache-Control", "no-store");
  co_return response;
}

asio::awaitable<Response> get_locals(Services& services, Request& request, bool csv) {
  auto scope = viewer_scope(request);
  if (auto* refused = std::get_if<Response>(&scope)) co_return std::move(*refused);
  AlertKind kind = EMERGENCY_ASSEMBLY;
  if (const auto named = request.query_param("kind"); named && !named->empty()) {
    if (!AlertKind_Parse(*named, &kind) || kind == ALERT_KIND_UNSPECIFIED) {
      co_return error_response(400,
                               "kind \"" + *named +
                                   "\" is not an alert kind (SPECIAL_LAW_THREAT, "
                                   "EMERGENCY_ASSEMBLY, BANNER_DROP, STRIKE_VOTE, INFORMATION)",
                               "kind");
    }
  }
  int last = kDefaultLast;
  if (const auto text = request.query_param("last"); text && !text->empty()) {
    const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), last);
    if (error != std::errc() || end != text->data() + text->size() || last < 1 ||
        last > kMostLast) {
      co_return error_response(
          400, "last must be a whole number from 1 to " + std::to_string(kMostLast), "last");
    }
  }
  auto report = co_await reports::read_locals_report(services.redis, kind, last,
                                                     std::get<turnout::Scope>(scope));
  if (!report) co_return unavailable();
  if (csv) {
    co_return csv_response(reports::locals_csv(*report),
                           "locals-" + AlertKind_Name(kind) + "-last-" + std::to_string(last) +
                               ".csv");
  }
  Response response;
  response.body = reports::to_json(*report);
  response.headers.emplace_back("Cache-Control", "no-store");
  co_return response;
}

}  // namespace

void add_report_routes(http::Router& router, Services& services) {
  const std::vector<auth::Role> viewers = {auth::Role::admin, auth::Role::executive,
                                           auth::Role::coordinator};
  const http::RouteOptions options{.roles = viewers, .needs_redis = true};
  router.add("GET", "/v1/alerts/{id}/report", options,
             [&services](Request& request) { return get_report(services, request, false); });
  router.add("GET", "/v1/alerts/{id}/report.csv", options,
             [&services](Request& request) { return get_report(services, request, true); });
  router.add("GET", "/v1/reports/locals", options,
             [&services](Request& request) { return get_locals(services, request, false); });
  router.add("GET", "/v1/reports/locals.csv", options,
             [&services](Request& request) { return get_locals(services, request, true); });
}

}  // namespace tocsin::api
