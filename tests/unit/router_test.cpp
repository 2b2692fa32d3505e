// The router's shared checks, run on a real io_context with a scripted authenticator (no
// network: the HTTP server and Redis are tested in tests/integration).

#include "http/router.h"

#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_future.hpp>

#include "metrics/registry.h"

namespace tocsin::http {
namespace {

using boost::asio::awaitable;

class RouterTest : public ::testing::Test {
 protected:
  RouterTest()
      : router_(
            metrics_, [this] { return redis_up_; },
            [this](std::string token) -> awaitable<Result<std::optional<auth::Principal>>> {
              if (!redis_up_) co_return std::make_error_code(std::errc::not_connected);
              if (token == "admin-token") {
                co_return std::optional<auth::Principal>(
                    auth::Principal{.name = "ops", .role = auth::Role::admin});
              }
              if (token == "coord-token") {
                co_return std::optional<auth::Principal>(auth::Principal{
                    .name = "luc", .role = auth::Role::coordinator, .regions = {"estrie"}});
              }
              co_return std::optional<auth::Principal>();
            }) {
    router_.add("GET", "/public", {},
                [](Request&) -> awaitable<Response> { co_return Response{.body = "public"}; });
    router_.add("POST", "/v1/alerts/{id}:approve", {.roles = {auth::Role::admin}},
                [](Request& request) -> awaitable<Response> {
                  co_return Response{.body = request.path_params.at("id") + " by " +
                                             request.principal->name};
                });
    router_.add("GET", "/v1/alerts/{id}", {.roles = {auth::Role::admin, auth::Role::coordinator}},
                [](Request& request) -> awaitable<Response> {
                  co_return Response{.body = "alert " + request.path_params.at("id")};
                });
    router_.add("GET", "/boom", {}, [](Request&) -> awaitable<Response> {
      throw std::runtime_error("handler bug");
      co_return Response{};
    });
  }

  Response call(std::string method, std::string path, std::string token = "") {
    Request request;
    request.method = std::move(method);
    request.path = std::move(path);
    if (!token.empty()) request.headers.emplace_back("authorization", "Bearer " + token);
    auto future = boost::asio::co_spawn(io_, router_.dispatch(request), boost::asio::use_future);
    io_.run();
    io_.restart();
    return future.get();
  }

  boost::asio::io_context io_;
  metrics::Registry metrics_;
  bool redis_up_ = true;
  Router router_;
};

TEST_F(RouterTest, PublicRouteNeedsNoToken) {
  EXPECT_EQ(call("GET", "/public").body, "public");
}

TEST_F(RouterTest, CapturesWithCustomMethodSuffix) {
  Response response = call("POST", "/v1/alerts/A7:approve", "admin-token");
  EXPECT_EQ(response.status, 200u);
  EXPECT_EQ(response.body, "A7 by ops");
  EXPECT_EQ(call("GET", "/v1/alerts/A7", "admin-token").body, "alert A7");
}

TEST_F(RouterTest, NotFoundAndMethodNotAllowed) {
  EXPECT_EQ(call("GET", "/nope").status, 404u);
  EXPECT_EQ(call("DELETE", "/public").status, 405u);
  EXPECT_EQ(call("GET", "/v1/alerts/", "admin-token").status, 404u)
      << "an empty capture does not match";
  EXPECT_EQ(call("HEAD", "/public").status, 200u) << "HEAD is served by the GET route";
}

TEST_F(RouterTest, MissingOrUnknownTokenIs401) {
  Response missing = call("GET", "/v1/alerts/A7");
  EXPECT_EQ(missing.status, 401u);
  EXPECT_EQ(missing.headers.at(0).first, "WWW-Authenticate");
  EXPECT_EQ(call("GET", "/v1/alerts/A7", "stolen").status, 401u);
}

TEST_F(RouterTest, WrongRoleIs403) {
  Response response = call("POST", "/v1/alerts/A7:approve", "coord-token");
  EXPECT_EQ(response.status, 403u);
  EXPECT_NE(response.body.find("coordinator"), std::string::npos);
}

TEST_F(RouterTest, AuthenticatedRoutesAnswer503WhileRedisIsAway) {
  redis_up_ = false;
  EXPECT_EQ(call("GET", "/v1/alerts/A7", "admin-token").status, 503u);
  EXPECT_EQ(call("GET", "/public").status, 200u);
}

// Redis coming back within the grace: the request waits for it and is served. A timer on
// the same io_context brings it back, so the wait is the router's, not the test's.
TEST_F(RouterTest, ARequestWaitsForRedisComingBackWithinTheGrace) {
  router_.wait_for_redis(std::chrono::seconds(5));
  redis_up_ = false;
  boost::asio::steady_timer back(io_, std::chrono::milliseconds(120));
  back.async_wait([this](boost::system::error_code) { redis_up_ = true; });
  const auto started = std::chrono::steady_clock::now();
  Response response = call("GET", "/v1/alerts/A7", "admin-token");
  EXPECT_EQ(response.status, 200u) << response.body;
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(2))
      << "served once Redis was back, not at the end of the grace";
}

TEST_F(RouterTest, ARequestGetsThe503WhenRedisStaysAwayPastTheGrace) {
  router_.wait_for_redis(std::chrono::milliseconds(200));
  redis_up_ = false;
  const auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(call("GET", "/v1/alerts/A7", "admin-token").status, 503u);
  EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(200));
}

TEST_F(RouterTest, ThrowingHandlerGives500AndIsCounted) {
  EXPECT_EQ(call("GET", "/boom").status, 500u);
  EXPECT_NE(metrics_.render().find(R"({route="/boom",status="500"} 1)"), std::string::npos);
}

}  // namespace
}  // namespace tocsin::http
