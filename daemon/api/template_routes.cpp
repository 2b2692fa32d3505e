#include <spdlog/spdlog.h>

#include <memory>

#include "alerts/template_store.h"
#include "api/responses.h"
#include "api/routes.h"
#include "api/services.h"
#include "http/json.h"
#include "http/router.h"
#include "log/log.h"
#include "util/clock.h"

namespace tocsin::api {
namespace {

using http::error_response;
using http::Request;
using http::Response;

template <class T>
Response answer(alerts::Outcome<T> outcome) {
  if (const auto* refusal = std::get_if<alerts::Refusal>(&outcome)) {
    return error_response(refusal->status, refusal->error, refusal->field);
  }
  return json(200, std::get<T>(outcome));
}

// Every problem with its field, and the usual error body's two fields for any client.
Response refused(const alerts::TemplateProblems& refused) {
  TemplateRefusal body;
  for (const alerts::FieldProblem& problem : refused.problems) {
    ErrorResponse* entry = body.add_problems();
    entry->set_field(problem.field);
    entry->set_error(problem.reason);
    body.set_error(body.error() + (body.error().empty() ? "" : "; ") + problem.field + ": " +
                   problem.reason);
  }
  body.set_field(refused.problems.front().field);
  return json(400, body);
}

}  // namespace

void add_template_routes(http::Router& router, Services& services) {
  const std::vector<auth::Role> officers = {auth::Role::admin, auth::Role::executive};
  auto store = std::make_shared<alerts::TemplateStore>(services.redis);

  router.add("GET", "/v1/templates", {.roles = officers, .needs_redis = true},
             [store](Request&) -> boost::asio::awaitable<Response> {
               co_return answer(co_await store->list());
             });

  router.add("GET", "/v1/templates/{kind}", {.roles = officers, .needs_redis = true},
             [store](Request& request) -> boost::asio::awaitable<Response> {
               co_return answer(co_await store->get(request.path_params["kind"]));
             });

  // The union's words for every alert of a kind: an admin's to change.
  router.add("PUT", "/v1/templates/{kind}", {.roles = {auth::Role::admin}, .needs_redis = true},
             [store, &services](Request& request) -> boost::asio::awaitable<Response> {
               Alert tmpl;
               std::string parse_error;
               std::string field = "body";
               if (!http::from_json(request.body, &tmpl, &parse_error, &field)) {
                 co_return error_response(400, "malformed JSON body: " + parse_error, field);
               }
               const std::string name = request.path_params["kind"];
               auto put = co_await store->put(name, std::move(tmpl), *request.principal,
                                              services.clock.now());
               if (const auto* problems = std::get_if<alerts::TemplateProblems>(&put)) {
                 co_return refused(*problems);
               }
               if (const auto* refusal = std::get_if<alerts::Refusal>(&put)) {
                 co_return error_response(refusal->status, refusal->error, refusal->field);
               }
               spdlog::info("event=template_set kind={} by={}", log::quote(name),
                            log::quote(request.principal->name));
               co_return json(200, std::get<AlertTemplate>(put));
             });
}

}  // namespace tocsin::api
