// The HTTP layer of a real tocsind: authentication and roles, error bodies, size limits,
// slow clients, metrics.

#include <gtest/gtest.h>
#include <hiredis/hiredis.h>

#include <regex>

#include "auth/token.h"
#include "tests/support/daemon_process.h"
#include "tests/support/http_client.h"
#include "tests/support/redis_server.h"

namespace tocsin::testing {
namespace {

using namespace std::chrono_literals;

class HttpApi : public ::testing::Test {
 protected:
  void SetUp() override {
    daemon_ = std::make_unique<DaemonProcess>(
        DaemonProcess::Options{.redis_url = redis_.url(),
                               .http_fields = "max_body_bytes: 4096 max_header_bytes: 2048 "
                                              "request_timeout_ms: 500 idle_timeout_ms: 5000"});
    ASSERT_TRUE(
        eventually([&] { return http_get(daemon_->base_url() + "/readyz").status == 200; }, 5s));
    admin_ = daemon_->bootstrap_admin("ops admin");
  }

  std::string url(const std::string& path) const { return daemon_->base_url() + path; }

  RedisServer redis_;
  std::unique_ptr<DaemonProcess> daemon_;
  std::string admin_;
};

TEST_F(HttpApi, BootstrapTokenIsRandomAndStoredOnlyAsItsHash) {
  EXPECT_TRUE(std::regex_match(admin_, std::regex("tcs_[A-Za-z0-9_-]{43}"))) << admin_;
  EXPECT_NE(daemon_->bootstrap_admin("second admin"), admin_);

  redisContext* c = redisConnect("127.0.0.1", redis_.port());
  ASSERT_TRUE(c != nullptr && c->err == 0);
  auto* hashed =
      static_cast<redisReply*>(redisCommand(c, "EXISTS %s", auth::token_key(admin_).c_str()));
  EXPECT_EQ(hashed->integer, 1);
  freeReplyObject(hashed);
  // Nothing in Redis holds the token in clear, under any key or in any value.
  auto* keys = static_cast<redisReply*>(redisCommand(c, "KEYS *"));
  for (size_t i = 0; i < keys->elements; ++i) {
    std::string key(keys->element[i]->str, keys->element[i]->len);
    EXPECT_EQ(key.find(admin_), std::string::npos);
    auto* dump = static_cast<redisReply*>(redisCommand(c, "DUMP %s", key.c_str()));
    EXPECT_EQ(std::string(dump->str, dump->len).find(admin_), std::string::npos) << key;
    freeReplyObject(dump);
  }
  freeReplyObject(keys);
  redisFree(c);
}

TEST_F(HttpApi, V1RoutesNeedAValidBearerToken) {
  auto none = http_get(url("/v1/status"));
  EXPECT_EQ(none.status, 401);
  EXPECT_NE(none.body.find("\"field\":\"Authorization\""), std::string::npos) << none.body;
  EXPECT_EQ(http_get(url("/v1/status"), {"Authorization: Bearer tcs_forged"}).status, 401);
  EXPECT_EQ(http_get(url("/v1/status"), {"Authorization: Basic YWRtaW46YWRtaW4="}).status, 401);
  auto ok = http_get(url("/v1/status"), bearer(admin_));
  EXPECT_EQ(ok.status, 200);
  EXPECT_NE(ok.body.find("\"tokenName\":\"ops admin\""), std::string::npos) << ok.body;
  EXPECT_NE(ok.body.find("\"role\":\"admin\""), std::string::npos);
}

TEST_F(HttpApi, RolesAreEnforcedByTheServer) {
  const std::string coordinator =
      daemon_->create_token(admin_, R"({"name":"Luc","role":"coordinator","regions":["estrie"]})");
  const std::string executive =
      daemon_->create_token(admin_, R"({"name":"Marie","role":"executive"})");
  auto status = http_get(url("/v1/status"), bearer(coordinator));
  EXPECT_EQ(status.status, 200);
  EXPECT_NE(status.body.find("\"regions\":[\"estrie\"]"), std::string::npos) << status.body;
  const std::string request = R"({"name":"x","role":"admin"})";
  EXPECT_EQ(http_request("POST", url("/v1/tokens"), request, bearer(coordinator)).status, 403);
  EXPECT_EQ(http_request("POST", url("/v1/tokens"), request, bearer(executive)).status, 403);
}

// The dashboard's header names a coordinator's regions as the roster does, and its times
// are in the union's zone: both come with the status.
TEST_F(HttpApi, StatusNamesACoordinatorsRegionsAndGivesTheUnionsTimeZone) {
  redisContext* c = redisConnect("127.0.0.1", redis_.port());
  ASSERT_TRUE(c != nullptr && c->err == 0);
  // What a roster import leaves in the labels hash.
  freeReplyObject(redisCommand(c, "HSET labels region:monteregie %s", "Montérégie"));
  redisFree(c);
  const std::string coordinator = daemon_->create_token(
      admin_, R"({"name":"Luc","role":"coordinator","regions":["monteregie","Nunavik"]})");
  auto status = http_get(url("/v1/status"), bearer(coordinator));
  ASSERT_EQ(status.status, 200) << status.body;
  EXPECT_NE(status.body.find(R"("regions":["monteregie","Nunavik"])"), std::string::npos)
      << status.body;
  EXPECT_NE(status.body.find(R"("regionNames":["Montérégie","Nunavik"])"), std::string::npos)
      << "a region no roster named stays as given: " << status.body;
  EXPECT_NE(status.body.find(R"("timeZone":"America/Toronto")"), std::string::npos) << status.body;
  auto admin = http_get(url("/v1/status"), bearer(admin_));
  EXPECT_NE(admin.body.find(R"("regionNames":[])"), std::string::npos) << admin.body;
}

TEST_F(HttpApi, TokenRequestsAreValidatedFieldByField) {
  struct Case {
    std::string body;
    std::string field;
  };
  for (const auto& c : std::vector<Case>{
           {R"({"role":"admin"})", "name"},
           {R"({"name":"x","role":"boss"})", "role"},
           {R"({"name":"x","role":"coordinator"})", "regions"},
           {R"({"name":"x","role":"executive","regions":["estrie"]})", "regions"},
       }) {
    auto response = http_request("POST", url("/v1/tokens"), c.body, bearer(admin_));
    EXPECT_EQ(response.status, 400) << c.body;
    EXPECT_NE(response.body.find("\"field\":\"" + c.field + "\""), std::string::npos)
        << c.body << " -> " << response.body;
  }
  auto malformed = http_request("POST", url("/v1/tokens"), "{not json", bearer(admin_));
  EXPECT_EQ(malformed.status, 400);
  auto unknown = http_request("POST", url("/v1/tokens"), R"({"name":"x","role":"admin","x":1})",
                              bearer(admin_));
  EXPECT_EQ(unknown.status, 400) << "unknown fields are rejected";
}

TEST_F(HttpApi, UnknownRoutesAndMethods) {
  auto missing = http_get(url("/v1/nothing-here"));
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.content_type, "application/json");
  EXPECT_EQ(http_request("DELETE", url("/healthz")).status, 405);
  EXPECT_EQ(http_request("HEAD", url("/healthz")).status, 200);
}

TEST_F(HttpApi, OversizedBodyGets413) {
  auto response = http_request("POST", url("/v1/tokens"), std::string(5000, 'x'), bearer(admin_));
  EXPECT_EQ(response.status, 413);
  EXPECT_EQ(response.body,
            R"({"error":"request body is larger than 4096 bytes (4 KiB), the limit set by )"
            R"(http.max_body_bytes","field":""})");
  EXPECT_TRUE(eventually([&] { return http_get(url("/healthz")).status == 200; }, 1s));
}

// A roster import has its own limit (200 MiB), above http.max_body_bytes: a larger one is
// told that limit, not the default, whether the Content-Length is above every limit
// (refused while the headers are read) or only above the route's, as a chunked body.
TEST_F(HttpApi, AnImportOverItsLimitIsToldTheImportLimit) {
  const std::string expected =
      R"({"error":"request body is larger than 209715200 bytes (200 MiB), the limit of )"
      R"(POST /v1/members:import","field":""})";
  RawConnection declared(daemon_->port());
  ASSERT_TRUE(
      declared.send("POST /v1/members:import?dry_run=true HTTP/1.1\r\nHost: t\r\n"
                    "Authorization: Bearer " +
                    admin_ +
                    "\r\n"
                    "Content-Type: text/csv\r\nContent-Length: 209715201\r\n\r\n"));
  bool closed = false;
  const std::string reply = declared.read_until(expected, 5s, &closed);
  EXPECT_EQ(reply.rfind("HTTP/1.1 413", 0), 0u) << reply;
  EXPECT_NE(reply.find(expected), std::string::npos) << reply;

  RawConnection chunked(daemon_->port());
  ASSERT_TRUE(
      chunked.send("POST /v1/members:import?dry_run=true HTTP/1.1\r\nHost: t\r\n"
                   "Authorization: Bearer " +
                   admin_ +
                   "\r\n"
                   "Content-Type: text/csv\r\nTransfer-Encoding: chunked\r\n\r\n"
                   "c800001\r\nmember_id\n"));
  const std::string chunked_reply = chunked.read_until(expected, 5s, &closed);
  EXPECT_EQ(chunked_reply.rfind("HTTP/1.1 413", 0), 0u) << chunked_reply;
  EXPECT_NE(chunked_reply.find(expected), std::string::npos) << chunked_reply;

  // The default limit still applies to other routes, and is named so.
  auto tokens = http_request("POST", url("/v1/tokens"), std::string(5000, 'x'), bearer(admin_));
  EXPECT_NE(tokens.body.find("the limit set by http.max_body_bytes"), std::string::npos)
      << tokens.body;
}

TEST_F(HttpApi, OversizedHeadersGet431) {
  auto response = http_get(url("/healthz"), {"X-Padding: " + std::string(4000, 'a')});
  EXPECT_EQ(response.status, 431);
}

TEST_F(HttpApi, MalformedRequestGets400AndClose) {
  RawConnection raw(daemon_->port());
  ASSERT_TRUE(raw.send("THIS IS NOT HTTP\r\n\r\n"));
  bool closed = false;
  const std::string reply = raw.read_until_closed(2s, &closed);
  EXPECT_TRUE(closed);
  EXPECT_EQ(reply.rfind("HTTP/1.1 400", 0), 0u) << reply;
}

TEST_F(HttpApi, SlowClientIsCutOffWhileOthersAreServed) {
  RawConnection slow(daemon_->port());
  ASSERT_TRUE(slow.send("POST /v1/tokens HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\n{"));
  // The server keeps answering others meanwhile.
  EXPECT_EQ(http_get(url("/healthz")).status, 200);
  bool closed = false;
  const auto start = std::chrono::steady_clock::now();
  const std::string reply = slow.read_until_closed(3s, &closed);
  EXPECT_TRUE(closed) << "a request trickling in is cut after request_timeout_ms";
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  EXPECT_EQ(reply, "") << "the request was never handled";
}

TEST_F(HttpApi, ExpectContinueIsAnsweredBeforeTheBody) {
  RawConnection raw(daemon_->port());
  const std::string body = R"({"name":"x","role":"executive"})";
  ASSERT_TRUE(raw.send("POST /v1/tokens HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " + admin_ +
                       "\r\nContent-Type: application/json\r\nExpect: 100-continue\r\n"
                       "Connection: close\r\n"
                       "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n"));
  bool closed = false;
  // Only until the interim answer: the daemon's whole-request deadline is 500 ms here, so
  // the body must follow at once.
  const std::string interim = raw.read_until("\r\n\r\n", 2s, &closed);
  EXPECT_EQ(interim.rfind("HTTP/1.1 100 Continue", 0), 0u) << interim;
  ASSERT_TRUE(raw.send(body));
  // Connection: close, so the read ends with the reply; the limit only guards a hang
  // (a loaded machine can take well over half a second to create the token).
  const std::string reply = raw.read_until_closed(10s, &closed);
  EXPECT_NE(reply.find("HTTP/1.1 201"), std::string::npos) << reply;
}

TEST_F(HttpApi, KeepAliveServesSeveralRequestsOnOneConnection) {
  RawConnection raw(daemon_->port());
  ASSERT_TRUE(
      raw.send("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n"
               "GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"));
  bool closed = false;
  const std::string reply = raw.read_until_closed(2s, &closed);
  EXPECT_TRUE(closed);
  size_t answers = 0;
  for (size_t at = reply.find("HTTP/1.1 200"); at != std::string::npos;
       at = reply.find("HTTP/1.1 200", at + 1)) {
    ++answers;
  }
  EXPECT_EQ(answers, 2u) << reply;
}

TEST_F(HttpApi, MetricsCountRequestsByRouteAndStatus) {
  http_get(url("/healthz"));
  http_get(url("/v1/status"));
  auto metrics = http_get(url("/metrics"));
  EXPECT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.content_type.find("text/plain"), std::string::npos);
  EXPECT_NE(metrics.body.find("# TYPE tocsin_uptime_seconds gauge"), std::string::npos);
  EXPECT_NE(metrics.body.find("tocsin_redis_connected 1"), std::string::npos);
  EXPECT_NE(metrics.body.find("tocsin_redis_reconnects_total 0"), std::string::npos);
  EXPECT_NE(metrics.body.find(R"(tocsin_http_requests_total{route="/healthz",status="200"})"),
            std::string::npos)
      << metrics.body;
  EXPECT_NE(metrics.body.find(R"(tocsin_http_requests_total{route="/v1/status",status="401"} 1)"),
            std::string::npos)
      << metrics.body;
}

}  // namespace
}  // namespace tocsin::testing
