#pragma once
// Maps method + path pattern to a handler coroutine, and applies what every route shares:
// authentication and roles, the Redis-availability check, error bodies, metrics.
//
// Patterns are literal segments and {name} captures; a capture may carry a literal suffix
// for Google-style custom methods: "/v1/alerts/{id}:approve".

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "auth/principal.h"
#include "http/message.h"
#include "util/result.h"

namespace tocsin::metrics {
class Registry;
}

namespace tocsin::http {

using Handler = std::function<boost::asio::awaitable<Response>(Request&)>;

struct RouteOptions {
  // Roles allowed. Empty: a public route (health, metrics, webhooks with their own checks).
  std::vector<auth::Role> roles;
  // The handler needs Redis: answer 503 at once while it is away, instead of waiting.
  bool needs_redis = false;
  // Largest body this route accepts, when it differs from http.max_body_bytes.
  std::optional<uint64_t> max_body_bytes;
};

// Resolves a bearer token: the principal, nullopt for an unknown token, or an error when
// it cannot tell (Redis away).
using Authenticator =
    std::function<boost::asio::awaitable<Result<std::optional<auth::Principal>>>(std::string)>;

// Dashboard sessions (README.md, "Accounts and sign-in"): a request without
// an Authorization header may carry the session cookie instead.
struct SessionAuthentication {
  // The session id from the cookie -> its principal (reads only), as Authenticator.
  Authenticator lookup;
  // Renews the session's idle limit, once the request is admitted.
  std::function<boost::asio::awaitable<void>(const auth::Principal&)> touch;
  // http.public_url, for the origin check of state-changing requests (read per request:
  // the daemon learns its port after the routes are built).
  std::function<std::string()> public_url;
};

class Router {
 public:
  Router(metrics::Registry& metrics, std::function<bool()> redis_ready,
         Authenticator authenticator);
  ~Router();

  void add(std::string method, std::string pattern, RouteOptions options, Handler handler);
  // Accept the session cookie on authenticated routes. A state-changing request (any
  // method but GET, HEAD, OPTIONS) with it must show it comes from our own page: see
  // check_session().
  void accept_sessions(SessionAuthentication sessions);
  // How long a request that needs Redis waits for it before the 503, when Redis is not
  // connected (0: answer at once). A connection coming back after a restart (Redis's or
  // ours) takes a moment; an officer's request sent in that moment should wait for it,
  // not fail.
  void wait_for_redis(std::chrono::milliseconds grace) { redis_grace_ = grace; }

  // Always returns a response: 404/405 for no route, 401/403/503 from the shared checks,
  // 500 (logged) when a handler throws.
  boost::asio::awaitable<Response> dispatch(Request& request);

  // The body limit of the route this request goes to, if that route sets one.
  struct BodyLimit {
    uint64_t bytes = 0;
    std::string route;  // "POST /v1/members:import", to name the limit in a 413
  };
  std::optional<BodyLimit> body_limit(std::string_view method, const std::string& path) const;
  // For a route that accepts a larger body than the default: checks the caller (Redis up,
  // token, role) from the request's headers alone, so that only someone allowed to send a
  // large body gets to send it. Returns the refusal, or nullopt to go on reading.
  boost::asio::awaitable<std::optional<Response>> admit_large_body(Request& headers_only);
  // The largest body limit any route sets (0 if none does).
  uint64_t largest_body_limit() const { return largest_body_limit_; }

 private:
  struct Route;
  const Route* match(const Request& request, bool* path_matched,
                     std::map<std::string, std::string>* params) const;
  boost::asio::awaitable<Response> run(const Route& route, Request& request);
  // Redis, token and role checks; the refusal, or nullopt (principal set) to go on.
  boost::asio::awaitable<std::optional<Response>> check_access(const Route& route,
                                                               Request& request);
  // redis_ready_(), waiting up to redis_grace_ for it.
  boost::asio::awaitable<bool> redis_ready_soon();

  // check_access for a request carrying the session cookie `session_id`.
  boost::asio::awaitable<Result<std::optional<auth::Principal>>> check_session(
      const Request& request, std::string session_id, std::optional<Response>* refusal);

  metrics::Registry& metrics_;
  std::function<bool()> redis_ready_;
  std::chrono::milliseconds redis_grace_{0};
  Authenticator authenticator_;
  std::optional<SessionAuthentication> sessions_;
  std::vector<std::unique_ptr<Route>> routes_;
  uint64_t largest_body_limit_ = 0;
};

}  // namespace tocsin::http
