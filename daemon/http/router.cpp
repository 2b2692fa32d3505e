#include "http/router.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "http/cookie.h"
#include "http/same_origin.h"
#include "log/log.h"
#include "metrics/registry.h"

namespace tocsin::http {
namespace {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> segments;
  size_t start = 1;  // paths start with '/'
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    segments.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return segments;
}

}  // namespace

struct Router::Route {
  struct Segment {
    std::string literal;  // whole segment, or the suffix after a capture
    std::string capture;  // name of a {capture}, empty for a literal segment
  };
  std::string method;
  std::string pattern;
  std::vector<Segment> segments;
  RouteOptions options;
  Handler handler;
};

Router::Router(metrics::Registry& metrics, std::function<bool()> redis_ready,
               Authenticator authenticator)
    : metrics_(metrics),
      redis_ready_(std::move(redis_ready)),
      authenticator_(std::move(authenticator)) {}

Router::~Router() = default;

void Router::add(std::string method, std::string pattern, RouteOptions options, Handler handler) {
  auto route = std::make_unique<Route>();
  for (std::string_view part : split_path(pattern)) {
    Route::Segment segment;
    if (part.starts_with('{')) {
      const size_t close = part.find('}');
      segment.capture = std::string(part.substr(1, close - 1));
      segment.literal = std::string(part.substr(close + 1));
    } else {
      segment.literal = std::string(part);
    }
    route->segments.push_back(std::move(segment));
  }
  largest_body_limit_ = std::max(largest_body_limit_, options.max_body_bytes.value_or(0));
  route->method = std::move(method);
  route->pattern = std::move(pattern);
  route->options = std::move(options);
  route->handler = std::move(handler);
  routes_.push_back(std::move(route));
}

const Router::Route* Router::match(const Request& request, bool* path_matched,
                                   std::map<std::string, std::string>* params) const {
  const auto parts = split_path(request.path);
  for (const auto& route : routes_) {
    if (route->segments.size() != parts.size()) continue;
    std::map<std::string, std::string> captured;
    bool ok = true;
    for (size_t i = 0; i < parts.size() && ok; ++i) {
      const auto& segment = route->segments[i];
      if (segment.capture.empty()) {
        ok = parts[i] == segment.literal;
      } else {
        ok = parts[i].size() > segment.literal.size() && parts[i].ends_with(segment.literal);
        if (ok) {
          captured[segment.capture] =
              std::string(parts[i].substr(0, parts[i].size() - segment.literal.size()));
        }
      }
    }
    if (!ok) continue;
    *path_matched = true;
    if (route->method == request.method || (route->method == "GET" && request.method == "HEAD")) {
      *params = std::move(captured);
      return route.get();
    }
  }
  return nullptr;
}

std::optional<Router::BodyLimit> Router::body_limit(std::string_view method,
                                                    const std::string& path) const {
  Request probe;
  probe.method = std::string(method);
  probe.path = path;
  bool path_matched = false;
  std::map<std::string, std::string> params;
  const Route* route = match(probe, &path_matched, &params);
  if (route == nullptr || !route->options.max_body_bytes) return std::nullopt;
  return BodyLimit{*route->options.max_body_bytes, route->method + " " + route->pattern};
}

boost::asio::awaitable<Response> Router::dispatch(Request& request) {
  bool path_matched = false;
  std::map<std::string, std::string> params;
  const Route* route = match(request, &path_matched, &params);
  Response response;
  std::string label = "unmatched";
  if (route == nullptr) {
    response = path_matched ? error_response(405, "method not allowed for this path")
                            : error_response(404, "no such resource");
  } else {
    label = route->pattern;
    request.path_params = std::move(params);
    try {
      response = co_await run(*route, request);
    } catch (const std::exception& e) {
      spdlog::error("event=http_handler_failed route={} error={}", log::quote(route->pattern),
                    log::quote(e.what()));
      response = error_response(500, "internal error");
    }
  }
  metrics_.count_http_request(label, response.status);
  co_return response;
}

boost::asio::awaitable<std::optional<Response>> Router::check_access(const Route& route,
                                                                     Request& request) {
  const bool needs_auth = !route.options.roles.empty();
  if ((route.options.needs_redis || needs_auth) && !co_await redis_ready_soon()) {
    co_return error_response(503, "Redis is unavailable; try again shortly");
  }
  if (!needs_auth) co_return std::nullopt;
  std::string_view header = request.header("authorization");
  constexpr std::string_view scheme = "Bearer ";
  std::optional<std::string_view> cookie;
  if (header.empty() && sessions_) cookie = cookie_value(request.header("cookie"), kSessionCookie);
  Result<std::optional<auth::Principal>> principal = std::optional<auth::Principal>();
  if (cookie) {
    std::optional<Response> refusal;
    std::string session_id(*cookie);
    principal = co_await check_session(request, std::move(session_id), &refusal);
    if (refusal) co_return std::move(*refusal);
  } else {
    if (header.size() <= scheme.size() || !header.starts_with(scheme)) {
      Response response = error_response(401, "missing bearer token", "Authorization");
      response.headers.emplace_back("WWW-Authenticate", "Bearer");
      co_return response;
    }
    principal = co_await authenticator_(std::string(header.substr(scheme.size())));
    if (!principal) co_return error_response(503, "Redis is unavailable; try again shortly");
    if (!principal->has_value()) {
      Response response = error_response(401, "invalid or expired token", "Authorization");
      response.headers.emplace_back("WWW-Authenticate", "Bearer error=\"invalid_token\"");
      co_return response;
    }
  }
  const auto& roles = route.options.roles;
  if (std::find(roles.begin(), roles.end(), (*principal)->role) == roles.end()) {
    co_return error_response(
        403, "the " + std::string(auth::role_name((*principal)->role)) + " role may not do this");
  }
  request.principal = std::move(**principal);
  if (cookie) co_await sessions_->touch(*request.principal);
  co_return std::nullopt;
}

boost::asio::awaitable<bool> Router::redis_ready_soon() {
  if (redis_ready_()) co_return true;
  // Polled: the connections keep no list of waiters, and a 50 ms step is nothing beside
  // a reconnect. Only while Redis is away, so it costs nothing in the normal case.
  constexpr std::chrono::milliseconds kStep{50};
  const auto deadline = std::chrono::steady_clock::now() + redis_grace_;
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
  while (std::chrono::steady_clock::now() < deadline) {
    timer.expires_after(kStep);
    boost::system::error_code ignored;
    co_await timer.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ignored));
    if (redis_ready_()) co_return true;
  }
  co_return false;
}

void Router::accept_sessions(SessionAuthentication sessions) { sessions_ = std::move(sessions); }

// The CSRF defence: the cookie is SameSite=Strict, so browsers send it only on requests
// from our own pages; on top of that a state-changing request must say so itself through
// the headers a browser sets and a page's script cannot (Sec-Fetch-Site, else Origin).
// A request that tells neither is refused: browsers that hold our cookie send them, and
// scripts have tokens. Checked before the session is read, so a refused request costs
// Redis nothing and changes nothing.
boost::asio::awaitable<Result<std::optional<auth::Principal>>> Router::check_session(
    const Request& request, std::string session_id, std::optional<Response>* refusal) {
  const bool safe = request.method == "GET" || request.method == "HEAD" ||
                    request.method == "OPTIONS";
  if (!safe && form_origin(request.header("sec-fetch-site"), request.header("origin"),
                           sessions_->public_url()) != FormOrigin::ours) {
    *refusal = error_response(
        403,
        "refused: a change made with a dashboard session must come from the dashboard's own "
        "page (its Origin or Sec-Fetch-Site header did not say so)",
        "Origin");
    co_return std::optional<auth::Principal>();
  }
  auto principal = co_await sessions_->lookup(std::move(session_id));
  if (!principal) {
    *refusal = error_response(503, "Redis is unavailable; try again shortly");
  } else if (!principal->has_value()) {
    Response response = error_response(401, "your session has ended; sign in again", "session");
    // The browser drops the dead cookie.
    response.headers.emplace_back(
        "Set-Cookie", cleared_session_cookie(sessions_->public_url().starts_with("https://")));
    *refusal = std::move(response);
  }
  co_return principal;
}

boost::asio::awaitable<std::optional<Response>> Router::admit_large_body(Request& request) {
  bool path_matched = false;
  std::map<std::string, std::string> params;
  const Route* route = match(request, &path_matched, &params);
  if (route == nullptr || !route->options.max_body_bytes) co_return std::nullopt;
  auto refusal = co_await check_access(*route, request);
  if (refusal) metrics_.count_http_request(route->pattern, refusal->status);
  co_return refusal;
}

boost::asio::awaitable<Response> Router::run(const Route& route, Request& request) {
  if (auto refusal = co_await check_access(route, request)) co_return std::move(*refusal);
  co_return co_await route.handler(request);
}

}  // namespace tocsin::http
