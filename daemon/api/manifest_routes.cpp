// Bus manifests on the event day (README.md, "Manifests"): GET
// /v1/alerts/{id}/manifest?pickup=P (JSON, for the console's printable page) and GET
// /v1/alerts/{id}/manifest.csv?pickup=P[&bus=N], who rides each bus of a pickup point, with
// names and mobiles. For the coordinators of the pickup point's region (and executives,
// admins); another region's coordinator gets 403. Each manifest taken is audited (who,
// which pickup point, which bus, how many rows), before the body leaves.

#include <spdlog/spdlog.h>

#include <cctype>
#include <charconv>

#include "alerts/alert_keys.h"
#include "alerts/alert_store.h"
#include "api/audit_entry.h"
#include "api/responses.h"
#include "api/routes.h"
#include "api/services.h"
#include "api/stored_alert.h"
#include "auth/region_scope.h"
#include "http/router.h"
#include "log/log.h"
#include "members/text_fold.h"
#include "proto/config.pb.h"
#include "proto/rides.pb.h"
#include "proto/tocsin.pb.h"
#include "redis/client.h"
#include "seats/manifest.h"
#include "util/clock.h"

namespace tocsin::api {
namespace {

namespace asio = boost::asio;
namespace keys = alerts::keys;
using http::error_response;
using http::Request;
using http::Response;

asio::awaitable<Response> get_manifest(Services& services, Request& request, bool csv) {
  const std::string id = request.path_params.at("id");
  const auto pickup = request.query_param("pickup");
  if (!pickup || pickup->empty()) {
    co_return error_response(400, "pickup is required: a manifest is one pickup point's", "pickup");
  }
  std::optional<int> bus;
  if (const auto text = request.query_param("bus"); csv && text && !text->empty()) {
    int number = 0;
    const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), number);
    if (error != std::errc{} || end != text->data() + text->size() || number < 1) {
      co_return error_response(400, "bus must be a bus number: 1, 2...", "bus");
    }
    bus = number;
  }
  if (!alerts::is_alert_id(id)) co_return no_alert(id);
  auto stored = co_await read_stored_alert(services.redis, id);
  if (auto* answer = std::get_if<http::Response>(&stored)) co_return std::move(*answer);
  const Alert& alert = std::get<Alert>(stored);
  const PickupPoint* point = nullptr;
  for (const PickupPoint& candidate : alert.pickup_points()) {
    if (candidate.id() == *pickup) point = &candidate;
  }
  if (point == nullptr) {
    co_return error_response(404, "this alert has no pickup point \"" + *pickup + "\"", "pickup");
  }
  const auto& who = *request.principal;
  if (!auth::sees_region(who, members::fold(point->region()))) {
    co_return error_response(403, "this pickup point is not in your regions", "pickup");
  }
  auto manifest = co_await seats::read_manifest(services.redis, id, alert, *point);
  if (!manifest) co_return unavailable();
  manifest->set_taken_at_ms(services.clock.now_ms());
  manifest->set_time_zone(services.config.time_zone());
  int rows = 0;
  for (const ManifestBus& one : manifest->buses()) {
    if (!bus || one.bus() == *bus) rows += one.riders_size();
  }
  // Written before the body leaves: no manifest without its audit entry. Names and mobiles
  // never go in it.
  const std::string detail = "pickup=" + point->id() + (bus ? " bus=" + std::to_string(*bus) : "") +
                             " rows=" + std::to_string(rows);
  if (!co_await write_audit(services.redis, id, csv ? "manifest.download" : "manifest.view", detail,
                            who)) {
    co_return unavailable();
  }
  spdlog::info("event=manifest_taken alert={} pickup={} rows={} csv={} by={}", id,
               log::quote(point->id()), rows, csv, log::quote(who.name));
  if (!csv) {
    Response response = json(200, *manifest);
    response.headers.emplace_back("Cache-Control", "no-store");
    co_return response;
  }
  Response response;
  response.content_type = "text/csv; charset=utf-8";
  response.body = seats::manifest_csv(*manifest, bus);
  std::string name = "manifest-" + alert.code() + "-" + point->id();
  if (bus) name += "-bus" + std::to_string(*bus);
  // The pickup id is the officer's text: only safe characters in the file name.
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') c = '_';
  }
  response.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + name + ".csv\"");
  response.headers.emplace_back("Cache-Control", "no-store");
  co_return response;
}

}  // namespace

void add_manifest_routes(http::Router& router, Services& services) {
  const std::vector<auth::Role> viewers = {auth::Role::admin, auth::Role::executive,
                                           auth::Role::coordinator};
  router.add("GET", "/v1/alerts/{id}/manifest", {.roles = viewers, .needs_redis = true},
             [&services](Request& request) { return get_manifest(services, request, false); });
  router.add("GET", "/v1/alerts/{id}/manifest.csv", {.roles = viewers, .needs_redis = true},
             [&services](Request& request) { return get_manifest(services, request, true); });
}

}  // namespace tocsin::api
