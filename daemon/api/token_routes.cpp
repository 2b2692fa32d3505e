#include <spdlog/spdlog.h>

#include "api/routes.h"
#include "api/services.h"
#include "auth/token_store.h"
#include "http/json.h"
#include "http/router.h"
#include "log/log.h"
#include "proto/config.pb.h"
#include "proto/tocsin.pb.h"
#include "util/control_characters.h"

namespace tocsin::api {
namespace {

using http::error_response;
using http::Request;
using http::Response;

constexpr size_t max_name_length = 100;

// Checks the request; returns an error response, or nullopt when it is good.
std::optional<Response> check(const CreateTokenRequest& body, std::optional<auth::Role> role) {
  if (body.name().empty()) return error_response(400, "a token needs a name", "name");
  if (body.name().size() > max_name_length) {
    return error_response(400, "name is longer than 100 characters", "name");
  }
  // The name is printed wherever its holder acted (tocsin alert list, the audit).
  if (const auto found = find_control_character(body.name())) {
    return error_response(400, "name " + describe(*found), "name");
  }
  if (!role) {
    return error_response(400, "role must be admin, executive or coordinator", "role");
  }
  if (*role == auth::Role::coordinator && body.regions().empty()) {
    return error_response(400, "a coordinator token needs at least one region", "regions");
  }
  if (*role != auth::Role::coordinator && !body.regions().empty()) {
    return error_response(400, "only coordinator tokens are limited to regions", "regions");
  }
  for (const auto& region : body.regions()) {
    if (region.empty() || region.size() > max_name_length) {
      return error_response(400, "a region name must be 1 to 100 characters", "regions");
    }
    if (const auto found = find_control_character(region)) {
      return error_response(400, "a region name " + describe(*found), "regions");
    }
  }
  return std::nullopt;
}

}  // namespace

void add_token_routes(http::Router& router, Services& services) {
  router.add("POST", "/v1/tokens", {.roles = {auth::Role::admin}, .needs_redis = true},
             [&services](Request& request) -> boost::asio::awaitable<Response> {
               CreateTokenRequest body;
               std::string parse_error;
               if (!http::from_json(request.body, &body, &parse_error)) {
                 co_return error_response(400, "malformed JSON body: " + parse_error);
               }
               const auto role = auth::parse_role(body.role());
               if (auto bad = check(body, role)) co_return *bad;

               auth::NewToken new_token{
                   .name = body.name(),
                   .role = *role,
                   .regions = {body.regions().begin(), body.regions().end()},
                   .created_by = request.principal->name,
                   .ttl_days = services.config.auth().token_ttl_days(),
               };
               auto token = co_await services.tokens.create(new_token);
               if (!token) co_return error_response(503, "Redis is unavailable; try again shortly");
               spdlog::info("event=token_created role={} by={}", auth::role_name(*role),
                            log::quote(request.principal->name));

               CreateTokenResponse created;
               created.set_token(*token);
               created.set_name(body.name());
               created.set_role(body.role());
               *created.mutable_regions() = body.regions();
               created.set_expires_in_days(new_token.ttl_days);
               Response response;
               response.status = 201;
               response.body = http::to_json(created);
               co_return response;
             });
}

}  // namespace tocsin::api
