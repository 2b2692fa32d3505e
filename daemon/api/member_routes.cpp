#include <spdlog/spdlog.h>

#include <algorithm>

#include "api/responses.h"
#include "api/routes.h"
#include "api/services.h"
#include "audit/audit_keys.h"
#include "auth/region_scope.h"
#include "http/json.h"
#include "http/router.h"
#include "log/log.h"
#include "members/audience.h"
#include "members/audience_counter.h"
#include "members/roster_importer.h"
#include "members/roster_limits.h"
#include "proto/console.pb.h"
#include "proto/tocsin.pb.h"
#include "redis/client.h"
#include "redis/decode.h"
#include "members/turnout_field.h"

namespace tocsin::api {
namespace {

using http::error_response;
using http::Request;
using http::Response;

bool query_flag(const Request& request, const std::string& name) {
  auto value = request.query_param(name);
  return value && (value->empty() || *value == "true" || *value == "1");
}

// The console's audience picker: the regions, sectors and locals members have, from the
// `labels` hash the importer keeps (the roster's spelling of each), with the members of each
// (SCARD of its index, one pipelined round trip). A value no member has any more (its index
// gone) is left out. A coordinator gets only their regions, and every sector and local:
// counts are aggregates, which they may see everywhere (daemon/README.md).
boost::asio::awaitable<std::optional<MemberLabelsResponse>> member_labels(
    redis::Client& redis, const auth::Principal& principal) {
  redis::Command read_all{"HGETALL", std::string(turnout::kLabels)};
  auto all = redis::decode<std::vector<std::string>>(co_await redis.exec(std::move(read_all)));
  if (!all) co_return std::nullopt;
  struct Entry {
    std::string dimension, value, name;
  };
  std::vector<Entry> entries;
  std::vector<redis::Command> counts;
  // HGETALL's field, value pairs, in Redis's order.
  for (size_t i = 0; i + 1 < all->size(); i += 2) {
    const std::string& field = (*all)[i];
    const auto colon = field.find(':');
    if (colon == std::string::npos) continue;
    std::string dimension = field.substr(0, colon);
    if (dimension != "region" && dimension != "sector" && dimension != "local") continue;
    std::string value = field.substr(colon + 1);
    if (dimension == "region" && !auth::sees_region(principal, value)) continue;
    counts.push_back({"SCARD", members::index_key(dimension, value)});
    entries.push_back({std::move(dimension), std::move(value), (*all)[i + 1]});
  }
  MemberLabelsResponse response;
  if (entries.empty()) co_return response;
  auto found =
      redis::decode_each<redis::Rest<int64_t>>(co_await redis.exec_pipeline(std::move(counts)));
  if (!found || std::get<0>(*found).values.size() != entries.size()) co_return std::nullopt;
  const std::vector<int64_t>& sizes = std::get<0>(*found).values;
  std::vector<size_t> order(entries.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  // By the folded value: alphabetical, accents and case aside ("Estrie" near "estrie").
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return entries[a].value < entries[b].value; });
  for (size_t i : order) {
    const int64_t members = sizes[i];
    if (members <= 0) continue;
    const Entry& entry = entries[i];
    MemberLabel* label = entry.dimension == "region"   ? response.add_regions()
                         : entry.dimension == "sector" ? response.add_sectors()
                                                       : response.add_locals();
    label->set_value(entry.value);
    label->set_name(entry.name.empty() ? entry.value : entry.name);
    label->set_members(members);
  }
  co_return response;
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
                 redis::Command audit{"XADD",
                                      std::string(audit::keys::kAudit),
                                      "*",
                                      "actor",
                                      request.principal->name,
                                      "action",
                                      "members.import",
                                      "summary",
                                      summary};
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

  router.add("GET", "/v1/members:labels",
             {.roles = {auth::Role::admin, auth::Role::executive, auth::Role::coordinator},
              .needs_redis = true},
             [&services](Request& request) -> boost::asio::awaitable<Response> {
               auto labels = co_await member_labels(services.redis, *request.principal);
               if (!labels) {
                 co_return error_response(503, "Redis is unavailable; try again shortly");
               }
               co_return json(200, *labels);
             });
}

}  // namespace tocsin::api
