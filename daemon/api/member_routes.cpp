#include <spdlog/spdlog.h>

#include "api/routes.h"
#include "api/services.h"
#include "http/json.h"
#include "http/router.h"
#include "log/log.h"
#include "members/audience.h"
#include "members/audience_counter.h"
#include "members/roster_importer.h"
#include "members/roster_limits.h"
#include "proto/tocsin.pb.h"
#include "redis/client.h"

namespace tocsin::api {
namespace {

using http::error_response;
using http::Request;
using http::Response;

bool query_flag(const Request& request, const std::string& name) {
  auto value = request.query_param(name);
  return value && (value->empty() || *value == "true" || *value == "1");
}

Response json(unsigned status, const google::protobuf::Message& message) {
  Response response;
  response.status = status;
  response.body = http::to_json(message);
  return response;
}

}  // namespace

void add_member_routes(http::Router& router, Services& services) {
  const std::vector<auth::Role> managers = {auth::Role::admin, auth::Role::executive};

  router.add("POST", "/v1/members:import",
             {.roles = managers, .needs_redis = true, .max_body_bytes = members::kMaxRosterBytes},
             [&services](Request& request) -> boost::asio::awaitable<Response> {
               members::ImportOptions options;
               options.dry_run = query_flag(request, "dry_run");
               options.replace = query_flag(request, "replace");
               members::RosterImporter importer(services.redis, options);
               auto outcome = co_await importer.run(request.body);
               if (!outcome) {
                 co_return error_response(503,
                                          "Redis became unavailable during the import; "
                                          "run it again to complete it");
               }
               if (outcome->refusal) {
                 const auto& refusal = *outcome->refusal;
                 co_return error_response(refusal.http_status, refusal.reason, refusal.field);
               }
               const auto& report = *outcome->report;
               spdlog::info(
                   "event=members_imported by={} dry_run={} rows={} imported={} updated={} "
                   "unchanged={} removed={} rejected={} seconds={:.2f}",
                   log::quote(request.principal->name), report.dry_run(), report.rows(),
                   report.imported(), report.updated(), report.unchanged(), report.removed(),
                   report.rejected(), report.seconds());
               if (!report.dry_run()) {
                 const std::string summary = "rows=" + std::to_string(report.rows()) +
                                             " imported=" + std::to_string(report.imported()) +
                                             " updated=" + std::to_string(report.updated()) +
                                             " removed=" + std::to_string(report.removed());
                 redis::Command audit{
                     "XADD",   "audit",          "*",       "actor", request.principal->name,
                     "action", "members.import", "summary", summary};
                 co_await services.redis.exec(std::move(audit));
               }
               co_return json(200, report);
             });

  router.add("GET", "/v1/members:count", {.roles = managers, .needs_redis = true},
             [&services](Request& request) -> boost::asio::awaitable<Response> {
               auto text = request.query_param("audience");
               if (!text) co_return error_response(400, "audience is required", "audience");
               std::string error;
               auto expression = members::parse_audience(*text, &error);
               if (!expression) co_return error_response(400, error, "audience");
               members::AudienceCounter counter(services.redis);
               auto count = co_await counter.count(*expression);
               if (!count) co_return error_response(503, "Redis is unavailable; try again shortly");
               MemberCountResponse body;
               body.set_audience(members::to_string(*expression));
               body.set_members(count->members);
               body.set_sms_reachable(count->sms_reachable);
               body.set_email_reachable(count->email_reachable);
               for (const auto& term : count->unknown_terms) body.add_unknown_terms(term);
               co_return json(200, body);
             });
}

}  // namespace tocsin::api
