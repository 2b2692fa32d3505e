#include <spdlog/spdlog.h>

#include "api/account_view.h"
#include "api/holder_check.h"
#include "api/responses.h"
#include "api/routes.h"
#include "api/services.h"
#include "auth/account_store.h"
#include "http/json.h"
#include "http/router.h"
#include "log/log.h"
#include "members/phone.h"
#include "proto/tocsin.pb.h"

namespace tocsin::api {
namespace {

using http::error_response;
using http::Request;
using http::Response;

// Normalizes the mobile and email of a request into *account; a 400 when one is wrong or
// both are missing.
std::optional<Response> check_addresses(const CreateAccountRequest& body,
                                        auth::NewAccount* account) {
  std::string error;
  if (!body.mobile().empty()) {
    auto mobile = members::normalize_phone(body.mobile(), "CA", &error);
    if (!mobile) return error_response(400, "mobile: " + error, "mobile");
    account->mobile = *mobile;
  }
  if (!body.email().empty()) {
    auto email = members::normalize_email(body.email(), &error);
    if (!email) return error_response(400, "email: " + error, "email");
    account->email = *email;
  }
  if (account->mobile.empty() && account->email.empty()) {
    return error_response(400, "an account needs a mobile or an email to receive its codes",
                          "mobile");
  }
  return std::nullopt;
}

}  // namespace

void add_account_routes(http::Router& router, Services& services) {
  const http::RouteOptions admin_only{.roles = {auth::Role::admin}, .needs_redis = true};

  router.add(
      "POST", "/v1/accounts", admin_only,
      [&services](Request& request) -> boost::asio::awaitable<Response> {
        CreateAccountRequest body;
        std::string parse_error;
        if (!http::from_json(request.body, &body, &parse_error)) {
          co_return error_response(400, "malformed JSON body: " + parse_error);
        }
        const auto role = auth::parse_role(body.role());
        if (auto bad = check_holder("account", body.name(), role, body.regions())) {
          co_return *bad;
        }
        if (!body.force()) {
          if (auto unknown =
                  co_await refuse_unknown_regions(services.redis, body.regions(), "account")) {
            co_return *unknown;
          }
        }
        auth::NewAccount account{.name = body.name(),
                                 .role = *role,
                                 .regions = {body.regions().begin(), body.regions().end()},
                                 .created_by = request.principal->name};
        if (auto bad = check_addresses(body, &account)) co_return *bad;
        auto outcome = co_await services.accounts.create(account);
        if (!outcome) co_return unavailable();
        if (!outcome->created) {
          const std::string& field = outcome->taken_field;
          co_return error_response(409, "another account already has this " + field, field);
        }
        spdlog::info("event=account_created account={} role={} by={}", outcome->created->id(),
                     auth::role_name(*role), log::quote(request.principal->name));
        co_return json(201, account_view(*outcome->created));
      });

  router.add("GET", "/v1/accounts", admin_only,
             [&services](Request&) -> boost::asio::awaitable<Response> {
               auto accounts = co_await services.accounts.list();
               if (!accounts) co_return unavailable();
               AccountListResponse list;
               for (const auto& record : *accounts) *list.add_accounts() = account_view(record);
               co_return json(200, list);
             });

  router.add("POST", "/v1/accounts/{id}:disable", admin_only,
             [&services](Request& request) -> boost::asio::awaitable<Response> {
               const std::string id = request.path_params.at("id");
               auto outcome = co_await services.accounts.disable(id, request.principal->name);
               if (!outcome) co_return unavailable();
               if (*outcome == auth::DisableOutcome::not_found) {
                 co_return error_response(
                     404, "no account has the id " + id + " (tocsin account list shows them)",
                     "id");
               }
               if (*outcome == auth::DisableOutcome::disabled) {
                 spdlog::info("event=account_disabled account={} by={}", id,
                              log::quote(request.principal->name));
               }
               auto record = co_await services.accounts.get(id);
               if (!record) co_return unavailable();
               if (!*record) co_return error_response(404, "the account was deleted meanwhile");
               co_return json(200, account_view(**record));
             });
}

}  // namespace tocsin::api
