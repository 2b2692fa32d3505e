#include "metrics/registry.h"

#include <gtest/gtest.h>

namespace tocsin::metrics {
namespace {

TEST(Metrics, RendersPrometheusTextFormat) {
  Registry registry;
  registry.add_callback("tocsin_redis_connected", "1 while connected.", Registry::Kind::gauge,
                        [] { return 1.0; });
  registry.count_http_request("/healthz", 200);
  registry.count_http_request("/healthz", 200);
  registry.count_http_request("/v1/tokens", 403);
  const std::string text = registry.render();
  EXPECT_NE(text.find("# HELP tocsin_redis_connected 1 while connected.\n"
                      "# TYPE tocsin_redis_connected gauge\n"
                      "tocsin_redis_connected 1\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("# TYPE tocsin_http_requests_total counter\n"), std::string::npos);
  EXPECT_NE(text.find("tocsin_http_requests_total{route=\"/healthz\",status=\"200\"} 2\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("tocsin_http_requests_total{route=\"/v1/tokens\",status=\"403\"} 1\n"),
            std::string::npos);
}

TEST(Metrics, LabelValuesAreEscaped) {
  EXPECT_EQ(escape_label("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
}

}  // namespace
}  // namespace tocsin::metrics
