// Webhooks from the providers: delivery receipts (Twilio status callbacks, Kannel DLRs) and
// members' replies (Twilio inbound SMS, Kannel MO get-url). Public routes: each call is
// authenticated by its gateway (provider signature or our shared secret) before anything is read
// from it, and answered fast, since providers wait only a few seconds and retry.

#include <spdlog/spdlog.h>

#include <chrono>

#include "adapters/gateway.h"
#include "api/hook_intake.h"
#include "api/routes.h"
#include "api/services.h"
#include "config/config.h"
#include "http/router.h"
#include "log/log.h"

namespace tocsin::api {
namespace {

using http::error_response;
using http::Request;
using http::Response;

// A receipt or a reply is a few hundred bytes (an SMS of 10 parts is under 2 KiB of form);
// a larger body is not one: 413.
constexpr uint64_t kMaxHookBody = 16 * 1024;

std::vector<std::pair<std::string, std::string>> decode_form(std::string_view body) {
  std::string path;
  std::multimap<std::string, std::string> fields;
  std::string target = "/?";
  target.append(body);
  if (!http::parse_target(target, &path, &fields)) return {};
  return {fields.begin(), fields.end()};
}

// The request as the gateway's parse functions read it. The URL is the public one
// (http.public_url), since that is the URL the provider called and signed.
adapters::CallbackRequest to_callback(const Request& request, const std::string& public_url) {
  adapters::CallbackRequest callback;
  callback.method = request.method;
  std::string base = public_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  callback.public_url = base + request.target;
  callback.headers = request.headers;
  callback.query.assign(request.query.begin(), request.query.end());
  if (request.header("content-type").starts_with("application/x-www-form-urlencoded")) {
    callback.form = decode_form(request.body);
  }
  callback.body = request.body;
  return callback;
}

Response refusal(const adapters::CallbackError error, std::string_view reason) {
  switch (error) {
    case adapters::CallbackError::forged:
      return error_response(403, "signature or secret missing or wrong");
    case adapters::CallbackError::malformed:
      return error_response(400, reason);
    case adapters::CallbackError::not_supported:
      break;
  }
  return error_response(404, "this gateway has no such webhook");
}

Response empty_ok() {
  Response response;
  response.content_type = "text/plain";
  return response;
}

// What Twilio expects from an inbound webhook: TwiML. An empty <Response> sends nothing
// back; confirmations go out through the gateways, under their rate limits.
Response empty_twiml() {
  Response response;
  response.content_type = "text/xml";
  response.body = R"(<?xml version="1.0" encoding="UTF-8"?><Response></Response>)";
  return response;
}

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// 200 once the hook is in Redis or in the local spool (api/hook_intake.h); 503 makes the
// provider try again later, if it does.
boost::asio::awaitable<std::optional<Response>> refused_hook(Services& services, hooks::Hook hook) {
  // Not `switch (co_await ...)`: g++ 12 miscompiles a co_await in a switch's condition.
  const Taken taken = co_await services.hooks.take(std::move(hook));
  if (taken == Taken::stored || taken == Taken::spooled) co_return std::nullopt;
  if (taken == Taken::full) {
    co_return error_response(503,
                             "Redis is unavailable and this daemon's spool is full; try again");
  }
  co_return error_response(503, "Redis is unavailable; try again");
}

// A delivery receipt moves the member's delivery state forward.
boost::asio::awaitable<Response> take_receipt(Services& services, const std::string& name,
                                              const adapters::Gateway& gateway,
                                              const adapters::CallbackRequest& callback) {
  const auto parsed = gateway.parse_status(callback);
  if (!parsed) {
    spdlog::warn("event=receipt_refused gateway={} reason={}", log::quote(name),
                 log::quote(parsed.reason));
    co_return refusal(parsed.error, parsed.reason);
  }
  auto refused = co_await refused_hook(services, receipt_hook(name, *parsed.value, now_ms()));
  co_return refused ? std::move(*refused) : empty_ok();
}

// A member's reply: stored first (q:replies, or the spool) and answered; the reply worker
// reads it.
boost::asio::awaitable<Response> take_reply(Services& services, const std::string& name,
                                            const adapters::Gateway& gateway,
                                            const adapters::CallbackRequest& callback) {
  const auto parsed = gateway.parse_inbound(callback);
  if (!parsed) {
    spdlog::warn("event=reply_refused gateway={} reason={}", log::quote(name),
                 log::quote(parsed.reason));
    co_return refusal(parsed.error, parsed.reason);
  }
  auto refused = co_await refused_hook(services, reply_hook(name, *parsed.value, now_ms()));
  if (refused) co_return std::move(*refused);
  co_return gateway.type() == "twilio" ? empty_twiml() : empty_ok();
}

using HookHandler = boost::asio::awaitable<Response> (*)(Services&, const std::string& name,
                                                         const adapters::Gateway&,
                                                         const adapters::CallbackRequest&);

// /hooks/{type}/{gateway}/{hook}: finds the gateway, which must be of that type, and hands
// the request to `handle` as the gateway reads it.
void add_hook_route(http::Router& router, Services& services, const std::string& method,
                    const std::string& type, const std::string& hook, HookHandler handle) {
  const std::string pattern = "/hooks/" + type + "/{gateway}/" + hook;
  // Redis is not waited for: a hook it cannot take goes to the spool at once.
  router.add(method, pattern, {.roles = {}, .needs_redis = false, .max_body_bytes = kMaxHookBody},
             [&services, type, handle](Request& request) -> boost::asio::awaitable<Response> {
               const std::string& name = request.path_params.at("gateway");
               const adapters::Gateway* gateway = services.find_gateway(name);
               if (gateway == nullptr || gateway->type() != type) {
                 co_return error_response(404, "no " + type + " gateway of that name", "gateway");
               }
               co_return co_await handle(services, name, *gateway,
                                         to_callback(request, services.config.http().public_url()));
             });
}

}  // namespace

void add_hook_routes(http::Router& router, Services& services) {
  add_hook_route(router, services, "POST", "twilio", "status", &take_receipt);
  add_hook_route(router, services, "GET", "kannel", "dlr", &take_receipt);
  add_hook_route(router, services, "POST", "kannel", "dlr", &take_receipt);
  add_hook_route(router, services, "POST", "twilio", "inbound", &take_reply);
  add_hook_route(router, services, "GET", "kannel", "inbound", &take_reply);
  add_hook_route(router, services, "POST", "kannel", "inbound", &take_reply);
}

}  // namespace tocsin::api
