// Unclear replies for coordinators (issue 6, point 7): GET /v1/alerts/{id}/replies?status=
// unknown[&region=R] lists the replies no rule read with confidence, and POST
// /v1/alerts/{id}/replies/{member}:resolve sets that member's answer by hand. A coordinator
// sees and resolves only members of their regions (asking for another region's list is a
// 403); the server enforces it. Each resolution is audited.

#include <spdlog/spdlog.h>

#include <charconv>
#include <chrono>

#include "alerts/alert_keys.h"
#include "alerts/alert_store.h"
#include "api/responses.h"
#include "api/routes.h"
#include "api/services.h"
#include "auth/region_scope.h"
#include "http/json.h"
#include "http/router.h"
#include "log/log.h"
#include "members/member_keys.h"
#include "proto/tocsin.pb.h"
#include "redis/client.h"
#include "redis/decode.h"
#include "replies/rsvp_writer.h"
#include "replies/unknown_replies.h"
#include "members/turnout_field.h"
#include "turnout/turnout_scope.h"

namespace tocsin::api {
namespace {

namespace asio = boost::asio;
namespace keys = alerts::keys;
using http::error_response;
using http::Request;
using http::Response;

constexpr int64_t kDefaultLimit = 1000;
constexpr int64_t kMaxLimit = 10000;

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::optional<int64_t> limit_of(const Request& request) {
  const auto text = request.query_param("limit");
  if (!text) return kDefaultLimit;
  int64_t limit = 0;
  const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), limit);
  if (error != std::errc{} || end != text->data() + text->size() || limit < 1 ||
      limit > kMaxLimit) {
    return std::nullopt;
  }
  return limit;
}

asio::awaitable<Response> list_unknown(Services& services, Request& request) {
  const std::string id = request.path_params.at("id");
  if (request.query_param("status").value_or("") != "unknown") {
    co_return error_response(400, "only status=unknown is listed", "status");
  }
  const auto limit = limit_of(request);
  if (!limit) co_return error_response(400, "limit must be 1 to 10000", "limit");
  // region=R narrows the list to one region; a coordinator may ask only for theirs.
  auto region = request.query_param("region");
  if (region && region->empty()) region.reset();
  const auto scope = turnout::make_scope(*request.principal, region);
  if (!scope) co_return error_response(403, "this region is not one of yours", "region");
  if (!alerts::is_alert_id(id)) co_return no_alert(id);
  redis::Command exists{"EXISTS", keys::alert(id)};
  auto found = redis::decode<bool>(co_await services.redis.exec(std::move(exists)));
  if (!found) co_return unavailable();
  if (!*found) co_return no_alert(id);

  auto entries = co_await replies::read_unknown_replies(services.redis, id);
  if (!entries) co_return unavailable();
  UnknownReplyList list;
  list.set_alert_id(id);
  for (auto& entry : *entries) {
    if (!auth::sees_region(*request.principal, entry.folded_region) ||
        !scope->contains_region(turnout::key_part(entry.folded_region))) {
      continue;
    }
    if (list.replies_size() >= *limit) {
      list.set_not_listed(list.not_listed() + 1);
      continue;
    }
    UnknownReply* reply = list.add_replies();
    reply->set_member_id(entry.member_id);
    reply->set_first_name(entry.first_name);
    reply->set_region(entry.region);
    reply->set_received_at_ms(entry.received_at_ms);
    reply->set_text(std::move(entry.text));
  }
  co_return json(200, list);
}

RsvpView view_of(const replies::RsvpRecord& record) {
  RsvpView view;
  view.set_answer(record.answer);
  view.set_bus_seats(record.bus_seats);
  view.set_car_seats(record.car_seats);
  view.set_party(record.party);
  view.set_pickup(record.pickup);
  view.set_source(record.source);
  view.set_at_ms(record.at_ms);
  return view;
}

asio::awaitable<Response> resolve(Services& services, replies::RsvpWriter& writer,
                                  Request& request) {
  const std::string id = request.path_params.at("id");
  const std::string member = request.path_params.at("member");
  ResolveReplyRequest body;
  std::string parse_error;
  if (!http::from_json(request.body, &body, &parse_error)) {
    co_return error_response(400, "malformed JSON body: " + parse_error, "body");
  }
  if (!alerts::is_alert_id(id)) co_return no_alert(id);
  std::vector<redis::Command> reads{
      {"HMGET", keys::alert(id), std::string(keys::field::kProto),
       std::string(keys::field::kState)},
      {"HGET", members::keys::index(member), std::string(members::keys::field::kRegion)},
      {"HGET", keys::unknown_replies(id), member}};
  using Maybe = std::optional<std::string>;
  // The alert's proto and state, the member's region, their unclear reply; absent: nullopt.
  auto read = redis::decode_each<std::pair<Maybe, Maybe>, Maybe, Maybe>(
      co_await services.redis.exec_pipeline(std::move(reads)));
  if (!read) co_return unavailable();
  const auto& [fields, region, unknown_value] = *read;
  Alert alert;
  if (!fields.first || !alert.ParseFromString(*fields.first)) co_return no_alert(id);
  // Checked before anything else about the member, so a coordinator learns nothing of
  // members outside their regions.
  if (!auth::sees_region(*request.principal, region.value_or(""))) {
    co_return error_response(403, "this member is not in your regions", "member");
  }
  const auto unknown = replies::parse_unknown_value(unknown_value.value_or(""));
  if (!unknown_value || !unknown) {
    co_return error_response(404, "no unclear reply of this member to this alert", "member");
  }
  const std::string state = fields.second.value_or("");
  if (state != keys::state::kSending && state != keys::state::kSent) {
    co_return error_response(409, "the alert takes no more answers (it is " + state + ")", "state");
  }

  replies::RsvpChoice choice{body.answer(), body.bus_seats(), body.car_seats(), body.party(),
                             body.pickup()};
  const auto& who = *request.principal;
  replies::AuditEntry audit{
      who.name, "reply.resolve",
      "member=" + member + " answer=" + choice.answer + " bus=" + std::to_string(choice.bus_seats) +
          " car=" + std::to_string(choice.car_seats) + " party=" + std::to_string(choice.party) +
          " pickup=" + choice.pickup + " token=" + who.token_id};
  // The member's own words stay the text of the answer; the coordinator only read them.
  auto outcome = co_await writer.write(alert, member, choice, unknown->second, "coordinator",
                                       now_ms(), std::move(audit));
  using Status = replies::WriteOutcome::Status;
  if (outcome.status == Status::refused) {
    co_return error_response(400, outcome.problem.reason, outcome.problem.field);
  }
  if (outcome.status == Status::unavailable) co_return unavailable();
  spdlog::info("event=reply_resolved alert={} by={}", id, log::quote(who.name));
  ResolveReplyResponse response;
  response.set_alert_id(id);
  response.set_member_id(member);
  *response.mutable_rsvp() = view_of(outcome.record);
  if (!outcome.seat.state.empty()) {
    SeatView* seat = response.mutable_rsvp()->mutable_seat();
    seat->set_state(outcome.seat.state);
    seat->set_pickup(outcome.seat.pickup);
    seat->set_bus(outcome.seat.bus);
    seat->set_seats(outcome.seat.seats);
    seat->set_rank(outcome.seat.rank);
  }
  response.set_status(outcome.status == Status::recorded ? "recorded" : "same");
  co_return json(200, response);
}

}  // namespace

void add_reply_routes(http::Router& router, Services& services) {
  const std::vector<auth::Role> readers = {auth::Role::admin, auth::Role::executive,
                                           auth::Role::coordinator};
  // Built here, before the Redis client connects, so its script loads on connection.
  auto writer = std::make_shared<replies::RsvpWriter>(services.redis);
  router.add("GET", "/v1/alerts/{id}/replies", {.roles = readers, .needs_redis = true},
             [&services](Request& request) { return list_unknown(services, request); });
  router.add("POST", "/v1/alerts/{id}/replies/{member}:resolve",
             {.roles = readers, .needs_redis = true},
             [&services, writer](Request& request) { return resolve(services, *writer, request); });
}

}  // namespace tocsin::api
