#include <spdlog/spdlog.h>

#include "api/holder_check.h"
#include "api/responses.h"
#include "api/routes.h"
#include "api/services.h"
#include "auth/role_proto.h"
#include "auth/token_store.h"
#include "http/json.h"
#include "http/router.h"
#include "log/log.h"
#include "proto/config.pb.h"
#include "proto/tocsin.pb.h"

namespace tocsin::api {
namespace {

using http::error_response;
using http::Request;
using http::Response;

}  // namespace

void add_token_routes(http::Router& router, Services& services) {
  const http::RouteOptions admin_only{.roles = {auth::Role::admin}, .needs_redis = true};

  router.add("POST", "/v1/tokens", admin_only,
             [&services](Request& request) -> boost::asio::awaitable<Response> {
               CreateTokenRequest body;
               std::string parse_error;
               if (!http::from_json(request.body, &body, &parse_error)) {
                 co_return error_response(400, "malformed JSON body: " + parse_error);
               }
               const auto role = auth::parse_role(body.role());
               if (auto bad = check_holder("token", body.name(), role, body.regions())) {
                 co_return *bad;
               }
               if (!body.force()) {
                 if (auto unknown =
                         co_await refuse_unknown_regions(services.redis, body.regions(), "token")) {
                   co_return *unknown;
                 }
               }

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
               co_return json(201, created);
             });

  router.add("GET", "/v1/tokens", admin_only,
             [&services](Request&) -> boost::asio::awaitable<Response> {
               auto tokens = co_await services.tokens.list();
               if (!tokens)
                 co_return error_response(503, "Redis is unavailable; try again shortly");
               TokenListResponse list;
               for (const auto& listed : *tokens) {
                 TokenSummary* summary = list.add_tokens();
                 summary->set_id(listed.id);
                 summary->set_name(listed.record.name());
                 const auto role = auth::role_from_proto(listed.record.role());
                 summary->set_role(role ? std::string(auth::role_name(*role)) : "unknown");
                 *summary->mutable_regions() = listed.record.regions();
                 summary->set_created_at_unix(listed.record.created_at_unix());
                 summary->set_created_by(listed.record.created_by());
                 summary->set_expires_at_unix(listed.record.expires_at_unix());
               }
               co_return json(200, list);
             });

  router.add("POST", "/v1/tokens/{id}:revoke", admin_only,
             [&services](Request& request) -> boost::asio::awaitable<Response> {
               const std::string id = request.path_params.at("id");
               auto revoked = co_await services.tokens.revoke(id, request.principal->name);
               if (!revoked)
                 co_return error_response(503, "Redis is unavailable; try again shortly");
               if (!*revoked) {
                 co_return error_response(
                     404, "no token has the id " + id + " (tocsin token list shows them)", "id");
               }
               spdlog::info("event=token_revoked token={} by={}", id,
                            log::quote(request.principal->name));
               TokenSummary summary;
               summary.set_id(id);
               co_return json(200, summary);
             });
}

}  // namespace tocsin::api
