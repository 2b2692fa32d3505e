#include <spdlog/spdlog.h>

#include <memory>

#include "alerts/alert_store.h"
#include "alerts/draft_preview.h"
#include "api/approval_check.h"
#include "api/responses.h"
#include "api/routes.h"
#include "api/services.h"
#include "dispatch/scheduled_send.h"
#include "dispatch/send_queue.h"
#include "http/json.h"
#include "http/router.h"
#include "log/log.h"
#include "proto/config.pb.h"
#include "proto/tocsin.pb.h"
#include "schedule/scheduler.h"
#include "turnout/alert_counts.h"
#include "turnout/reach_log.h"
#include "turnout/turnout_scope.h"

namespace tocsin::api {
namespace {

using http::error_response;
using http::Request;
using http::Response;
using Store = std::shared_ptr<alerts::AlertStore>;

constexpr size_t kDefaultListLimit = 50;
constexpr size_t kMaxListLimit = 1000;

// The alert, with the union's time zone for showing its times (the CLI does), or the
// refusal.
Response answer(unsigned status, alerts::Outcome<AlertResponse> outcome,
                const std::string& time_zone) {
  if (const auto* refusal = std::get_if<alerts::Refusal>(&outcome)) {
    return error_response(refusal->status, refusal->error, refusal->field);
  }
  auto& response = std::get<AlertResponse>(outcome);
  response.set_time_zone(time_zone);
  return json(status, response);
}

std::optional<size_t> list_limit(const Request& request) {
  const auto text = request.query_param("limit");
  if (!text) return kDefaultListLimit;
  try {
    size_t used = 0;
    const long long limit = std::stoll(*text, &used);
    if (used != text->size() || limit < 1 || limit > static_cast<long long>(kMaxListLimit)) {
      return std::nullopt;
    }
    return static_cast<size_t>(limit);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// The request's Alert (or follow-up), or the 400 that names the field at fault.
std::optional<Response> read_body(const Request& request, Alert* alert) {
  std::string parse_error;
  std::string field = "body";
  if (http::from_json(request.body, alert, &parse_error, &field)) return std::nullopt;
  return error_response(400, "malformed JSON body: " + parse_error, field);
}

// A new alert (or follow-up) answered 201 with its preview, or the refusal to create it.
boost::asio::awaitable<Response> created_with_preview(alerts::AlertStore& store,
                                                      alerts::Outcome<AlertResponse> created,
                                                      std::string time_zone) {
  if (std::holds_alternative<alerts::Refusal>(created)) {
    co_return answer(201, std::move(created), time_zone);
  }
  const std::string id = std::get<AlertResponse>(created).alert().id();
  auto previewed = co_await store.preview(id);
  if (std::holds_alternative<alerts::Refusal>(previewed)) {
    // The alert exists: answering an error would invite a second one. The officer asks
    // for the preview again with GET .../preview.
    spdlog::warn("event=alert_preview_failed id={} status={}", id,
                 std::get<alerts::Refusal>(previewed).status);
    co_return answer(201, std::move(created), time_zone);
  }
  co_return answer(201, std::move(previewed), time_zone);
}

// POST /v1/alerts/{id}:approve, :cancel, :close: the store's transition, answered as is.
using Transition = boost::asio::awaitable<alerts::Outcome<AlertResponse>> (alerts::AlertStore::*)(
    std::string, auth::Principal);

http::Handler transition_handler(Store store, Transition transition, std::string time_zone) {
  return [store, transition, time_zone](Request& request) -> boost::asio::awaitable<Response> {
    auto changed = co_await ((*store).*transition)(request.path_params["id"], *request.principal);
    co_return answer(200, std::move(changed), time_zone);
  };
}

// What a refused send answers: the send queue's reason, with the status that says why.
unsigned send_refusal_status(dispatch::SendStart::Status status) {
  using Status = dispatch::SendStart::Status;
  switch (status) {
    case Status::not_found:
      return 404;
    case Status::needs_approval:
      return 403;
    case Status::wrong_state:
    case Status::expired:
      return 409;
    case Status::started:
    case Status::scheduled:
      break;
  }
  return 500;
}

std::string_view send_refusal_field(dispatch::SendStart::Status status) {
  using Status = dispatch::SendStart::Status;
  switch (status) {
    case Status::not_found:
      return "id";
    case Status::wrong_state:
      return "state";
    case Status::expired:
      return "expires_at";
    case Status::needs_approval:
      return "approved_by";  // the CLI answers it with the approve command
    case Status::started:
    case Status::scheduled:
      break;
  }
  return {};
}

}  // namespace

void add_alert_routes(http::Router& router, Services& services) {
  const std::vector<auth::Role> officers = {auth::Role::admin, auth::Role::executive};
  // Coordinators may read an alert (to follow the turnout of their regions), not change it.
  const std::vector<auth::Role> readers = {auth::Role::admin, auth::Role::executive,
                                           auth::Role::coordinator};
  // Built here, before the Redis client connects, so its scripts load on connection.
  auto store = std::make_shared<alerts::AlertStore>(services.redis, services.config);
  const std::string zone = services.config.time_zone();

  router.add("POST", "/v1/alerts", {.roles = officers, .needs_redis = true},
             [store, zone](Request& request) -> boost::asio::awaitable<Response> {
               Alert alert;
               if (auto malformed = read_body(request, &alert)) co_return *malformed;
               auto created = co_await store->create(std::move(alert), *request.principal);
               co_return co_await created_with_preview(*store, std::move(created), zone);
             });

  // A follow-up or correction ("Changement de lieu") to a group of a sent alert's
  // audience: the body is an Alert with target_group, channels, messages and optionally a
  // title (alerts/child_alert.h). Created as a draft child with its preview, then
  // approved and sent like any alert, under the same approval rule, with the same audit.
  router.add("POST", "/v1/alerts/{id}/followups", {.roles = officers, .needs_redis = true},
             [store, zone](Request& request) -> boost::asio::awaitable<Response> {
               Alert followup;
               if (auto malformed = read_body(request, &followup)) co_return *malformed;
               auto created = co_await store->create_followup(
                   request.path_params["id"], std::move(followup), *request.principal);
               co_return co_await created_with_preview(*store, std::move(created), zone);
             });

  // The console's form asks this as the officer types (debounced): counts, texts,
  // segments, cost and every problem creating it would meet, from the daemon's own rules.
  auto drafts = std::make_shared<alerts::DraftPreviewer>(services.redis, services.config);
  router.add("POST", "/v1/alerts:draft-preview", {.roles = officers, .needs_redis = true},
             [drafts](Request& request) -> boost::asio::awaitable<Response> {
               Alert draft;
               if (auto malformed = read_body(request, &draft)) co_return *malformed;
               auto previewed = co_await drafts->preview(std::move(draft));
               if (const auto* refusal = std::get_if<alerts::Refusal>(&previewed)) {
                 co_return error_response(refusal->status, refusal->error, refusal->field);
               }
               co_return json(200, std::get<DraftPreviewResponse>(previewed));
             });

  router.add("GET", "/v1/alerts", {.roles = readers, .needs_redis = true},
             [store, zone, &services](Request& request) -> boost::asio::awaitable<Response> {
               const auto limit = list_limit(request);
               if (!limit) co_return error_response(400, "limit must be 1 to 1000", "limit");
               auto alerts = co_await store->list(*limit);
               if (const auto* refusal = std::get_if<alerts::Refusal>(&alerts)) {
                 co_return error_response(refusal->status, refusal->error, refusal->field);
               }
               AlertListResponse list;
               std::vector<std::string> ids;
               for (auto& alert : std::get<std::vector<Alert>>(alerts)) {
                 ids.push_back(alert.id());
                 *list.add_alerts() = std::move(alert);
               }
               auto counts = co_await turnout::read_alert_counts(
                   services.redis, ids, *turnout::make_scope(*request.principal));
               if (!counts) {
                 co_return error_response(503, "Redis is unavailable; try again shortly");
               }
               for (auto& alert_counts : *counts) *list.add_counts() = std::move(alert_counts);
               list.set_time_zone(zone);
               co_return json(200, list);
             });

  router.add("GET", "/v1/alerts/{id}", {.roles = readers, .needs_redis = true},
             [store, zone, &services](Request& request) -> boost::asio::awaitable<Response> {
               auto got = co_await store->get(request.path_params["id"]);
               if (auto* response = std::get_if<AlertResponse>(&got)) {
                 // One alert: its counts exact, the delivery path's pending moves (at most
                 // 100 ms of them, turnout/reach_log.h) applied first, as the turnout does.
                 co_await turnout::apply_pending_moves(services.redis, response->alert().id());
                 const std::vector<std::string> ids{response->alert().id()};
                 auto counts = co_await turnout::read_alert_counts(
                     services.redis, ids, *turnout::make_scope(*request.principal));
                 if (!counts) {
                   co_return error_response(503, "Redis is unavailable; try again shortly");
                 }
                 *response->mutable_counts() = std::move(counts->front());
               }
               co_return answer(200, std::move(got), zone);
             });

  router.add("GET", "/v1/alerts/{id}/preview", {.roles = officers, .needs_redis = true},
             [store, zone](Request& request) -> boost::asio::awaitable<Response> {
               co_return answer(200, co_await store->preview(request.path_params["id"]), zone);
             });

  // From the console's approval page the request carries the link's exp and sig: an
  // expired or forged link, or the alert's creator, is refused before anything changes.
  router.add("POST", "/v1/alerts/{id}:approve", {.roles = officers, .needs_redis = true},
             [store, zone, &services](Request& request) -> boost::asio::awaitable<Response> {
               const std::string id = request.path_params["id"];
               if (auto refusal = co_await refuse_approval_link(services, request, id)) {
                 co_return *refusal;
               }
               co_return answer(200, co_await store->approve(id, *request.principal), zone);
             });
  // A scheduled alert's item is removed once the alert is cancelled. Should that fail (or
  // the item be running already), the item finds the alert cancelled and sends nothing:
  // the send queue's start refuses a cancelled alert atomically.
  router.add("POST", "/v1/alerts/{id}:cancel", {.roles = officers, .needs_redis = true},
             [store, zone, &services](Request& request) -> boost::asio::awaitable<Response> {
               const std::string id = request.path_params["id"];
               auto cancelled = co_await store->cancel(id, *request.principal);
               if (std::holds_alternative<AlertResponse>(cancelled)) {
                 auto removed = co_await services.scheduler.unschedule(
                     std::string(dispatch::kScheduledSendKind), id);
                 if (!removed) {
                   spdlog::warn("event=alert_unschedule_failed id={} error={}", id,
                                log::quote(removed.error().message()));
                 }
               }
               co_return answer(200, std::move(cancelled), zone);
             });
  router.add("POST", "/v1/alerts/{id}:close", {.roles = officers, .needs_redis = true},
             transition_handler(store, &alerts::AlertStore::close, zone));

  // Sends the alert now, or, when its send_at is still ahead, schedules it: the same
  // checks (state, the approval rule on the audience as it is now, expiry), then state
  // `scheduled` and 202. A scheduled alert's audience is frozen only when it is sent, at
  // send_at: members imported meanwhile get it too, as an executive scheduling Monday's
  // 6:00 call on Friday expects. Until then :cancel stops it.
  router.add("POST", "/v1/alerts/{id}:send", {.roles = officers, .needs_redis = true},
             [store, zone, &services](Request& request) -> boost::asio::awaitable<Response> {
               const std::string id = request.path_params["id"];
               if (!alerts::is_alert_id(id)) {
                 co_return no_alert(id);
               }
               auto started = co_await services.send_queue.start(id, *request.principal);
               if (!started) {
                 co_return error_response(503, "Redis is unavailable; try again shortly");
               }
               if (started->status != dispatch::SendStart::Status::started &&
                   started->status != dispatch::SendStart::Status::scheduled) {
                 spdlog::info("event=alert_send_refused id={} state={} by={}", id,
                              log::quote(started->state), log::quote(request.principal->name));
                 co_return error_response(send_refusal_status(started->status), started->message,
                                          send_refusal_field(started->status));
               }
               co_return answer(202, co_await store->get(id), zone);
             });
}

}  // namespace tocsin::api
