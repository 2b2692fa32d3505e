#include "events/event_routes.h"

#include <memory>
#include <variant>

#include "alerts/alert_keys.h"
#include "alerts/alert_store.h"
#include "events/event_hub.h"
#include "events/event_keys.h"
#include "events/sse_session.h"
#include "http/router.h"
#include "redis/client.h"
#include "redis/decode.h"
#include "turnout/turnout_model.h"
#include "turnout/turnout_reader.h"
#include "turnout/turnout_scope.h"

namespace tocsin::events {
namespace {

namespace asio = boost::asio;
using http::error_response;
using http::Request;
using http::Response;

Response no_alert(const std::string& id) {
  return error_response(404, "no alert with id \"" + id + "\"", "id");
}

Response redis_away() { return error_response(503, "Redis is unavailable; try again shortly"); }

// The id the client last received: the Last-Event-ID header, or ?last_event_id= for
// clients that cannot set headers.
std::optional<std::string> last_event_id(const Request& request) {
  std::string_view header = request.header("last-event-id");
  if (!header.empty()) return std::string(header);
  auto query = request.query_param("last_event_id");
  if (query && !query->empty()) return query;
  return std::nullopt;
}

// What a resume needs to know: whether the alert exists, its state, and whether every
// entry after `after` is still in the stream (it is not older than the first entry, nor
// newer than the last: a stream that lost its data starts again from a snapshot).
struct ResumeCheck {
  bool exists = false;
  std::string state;
  bool resumable = false;
};

asio::awaitable<std::optional<ResumeCheck>> check_resume(redis::Client& redis,
                                                         const std::string& id, StreamId after) {
  std::vector<redis::Command> reads{
      {"HGET", alerts::keys::alert(id), std::string(alerts::keys::field::kState)},
      {"XRANGE", keys::events(id), "-", "+", "COUNT", "1"},
      {"XREVRANGE", keys::events(id), "+", "-", "COUNT", "1"}};
  // The alert's state (nil: no alert), and the stream's first and last entries (none when
  // it is empty), of which only the ids are read.
  using Entries = std::vector<std::pair<std::string, redis::Ignore>>;
  auto read = redis::decode_each<std::optional<std::string>, Entries, Entries>(
      co_await redis.exec_pipeline(std::move(reads)));
  if (!read) co_return std::nullopt;
  const auto& state = std::get<0>(*read);
  ResumeCheck check;
  check.exists = state.has_value();
  check.state = state.value_or("");
  const Entries& first = std::get<1>(*read);
  const Entries& last = std::get<2>(*read);
  if (!first.empty() && !last.empty()) {
    const auto first_id = parse_stream_id(first.front().first);
    const auto last_id = parse_stream_id(last.front().first);
    check.resumable = first_id && last_id && *first_id <= after && after <= *last_id;
  }
  co_return check;
}

asio::awaitable<Response> get_events(const EventRouteContext& context, Request& request) {
  const std::string id = request.path_params.at("id");
  auto region = request.query_param("region");
  if (region && region->empty()) region.reset();
  auto scope = turnout::make_scope(*request.principal, region);
  if (!scope) co_return error_response(403, "this region is not one of yours", "region");
  if (!alerts::is_alert_id(id)) co_return no_alert(id);

  auto session = std::make_shared<SseSession>(context.redis, id, *scope,
                                              SseOptions{.heartbeat = context.heartbeat});
  // Subscribed first, so that no entry written while the snapshot or the stream's bounds
  // are read falls between the two (the session skips what they covered, by id).
  auto subscription = co_await context.hub.subscribe(id, *session);
  if (!subscription) co_return redis_away();
  session->attach(std::move(*subscription));

  std::optional<StreamId> resume_after;
  if (auto last = last_event_id(request)) resume_after = parse_stream_id(*last);
  bool resumed = false;
  if (resume_after) {
    auto check = co_await check_resume(context.redis, id, *resume_after);
    if (!check) co_return redis_away();
    if (!check->exists) co_return no_alert(id);
    if (check->resumable) {
      session->start_after(*resume_after, check->state);
      resumed = true;
    }
  }
  if (!resumed) {
    auto read = co_await turnout::read_turnout(context.redis, id, *scope, context.receipts);
    using Status = turnout::TurnoutRead::Status;
    if (read.status == Status::not_found) co_return no_alert(id);
    if (read.status != Status::ok) co_return redis_away();
    std::string last_id = read.turnout.last_event_id();
    if (last_id.empty()) last_id = "0-0";
    session->start_with_snapshot(std::move(last_id), turnout::to_json(read.turnout));
  }

  Response response;
  response.content_type = "text/event-stream";
  response.headers.emplace_back("Cache-Control", "no-cache");
  // nginx would otherwise hold the events back in its buffer.
  response.headers.emplace_back("X-Accel-Buffering", "no");
  response.stream = std::move(session);
  co_return response;
}

}  // namespace

void add_event_routes(http::Router& router, EventRouteContext context) {
  const std::vector<auth::Role> viewers = {auth::Role::admin, auth::Role::executive,
                                           auth::Role::coordinator};
  router.add("GET", "/v1/alerts/{id}/events", {.roles = viewers, .needs_redis = true},
             [context](Request& request) { return get_events(context, request); });
}

}  // namespace tocsin::events
