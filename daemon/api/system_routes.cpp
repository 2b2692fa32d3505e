#include "api/routes.h"
#include "api/services.h"
#include "util/version.h"
#include "http/json.h"
#include "http/router.h"
#include "alerts/alert_metrics.h"
#include "metrics/registry.h"
#include "proto/config.pb.h"
#include "proto/tocsin.pb.h"
#include "redis/client.h"
#include "redis/decode.h"
#include "members/turnout_field.h"
#include "turnout/turnout_scope.h"

namespace tocsin::api {
namespace {

using http::Request;
using http::Response;

Response text(unsigned status, std::string body, std::string content_type = "text/plain") {
  Response response;
  response.status = status;
  response.content_type = std::move(content_type);
  response.body = std::move(body);
  return response;
}

// The names rosters gave these regions (the `labels` hash, by region part), in order; a
// region without one, or all of them when Redis is away, as given: the status must answer
// without Redis.
boost::asio::awaitable<std::vector<std::string>> region_names(
    redis::Client& redis, const std::vector<std::string>& regions) {
  std::vector<std::string> names = regions;
  if (regions.empty() || !redis.connected()) co_return names;
  redis::Command read{"HMGET", std::string(turnout::kLabels)};
  for (const std::string& region : regions)
    read.push_back("region:" + turnout::region_part(region));
  const auto found =
      redis::decode<std::vector<std::optional<std::string>>>(co_await redis.exec(std::move(read)));
  if (!found || found->size() != regions.size()) co_return names;
  for (size_t i = 0; i < names.size(); ++i) {
    if (const auto& name = (*found)[i]; name && !name->empty()) names[i] = *name;
  }
  co_return names;
}

}  // namespace

void add_system_routes(http::Router& router, Services& services) {
  // Liveness: the process and its event loop answer. Never depends on Redis, or a Redis
  // outage would make systemd or an orchestrator restart a healthy daemon.
  router.add("GET", "/healthz", {},
             [](Request&) -> boost::asio::awaitable<Response> { co_return text(200, "ok\n"); });

  // Readiness: can serve work, i.e. every Redis connection is up. A load balancer or a
  // script that waits for it can then send any request.
  router.add("GET", "/readyz", {}, [&services](Request&) -> boost::asio::awaitable<Response> {
    if (services.redis_ready()) co_return text(200, "ready\n");
    co_return text(503, "not ready: Redis is unavailable\n");
  });

  // The daemon's own figures, then the open alerts' (metrics/alert_metrics.h), which need
  // Redis and are left out while it is away.
  router.add("GET", "/metrics", {}, [&services](Request&) -> boost::asio::awaitable<Response> {
    std::string body = services.metrics.render();
    body += co_await alerts::render_alert_metrics(services.redis);
    co_return text(200, std::move(body), "text/plain; version=0.0.4; charset=utf-8");
  });

  router.add("GET", "/v1/status",
             {.roles = {auth::Role::admin, auth::Role::executive, auth::Role::coordinator}},
             [&services](Request& request) -> boost::asio::awaitable<Response> {
               StatusResponse status;
               status.set_version(std::string(version()));
               status.set_uptime_seconds(std::chrono::duration_cast<std::chrono::seconds>(
                                             std::chrono::steady_clock::now() - services.started_at)
                                             .count());
               status.set_redis_connected(services.redis.connected());
               status.set_redis_reconnects(services.redis.reconnects());
               status.set_token_name(request.principal->name);
               status.set_role(std::string(auth::role_name(request.principal->role)));
               const auto& regions = request.principal->regions;
               for (const auto& region : regions) status.add_regions(region);
               for (auto& name : co_await region_names(services.redis, regions)) {
                 status.add_region_names(std::move(name));
               }
               status.set_time_zone(services.config.time_zone());
               status.set_session(!request.principal->session_key.empty());
               Response response;
               response.body = http::to_json(status);
               co_return response;
             });
}

}  // namespace tocsin::api
