// The dashboard (issue 7): GET / and GET /dashboard/{file}, the static page compiled into
// the daemon (dashboard/assets.h). Public: the page holds no data; it asks for a token and
// calls the API with it. Sent with a Content-Security-Policy that allows only our own
// scripts, styles and connections (no inline script or style, no framing), and with an
// ETag so a browser revalidates cheaply (no-cache) and always runs the daemon's own page.

#include "api/routes.h"
#include "api/services.h"
#include "dashboard/assets.h"
#include "http/router.h"

namespace tocsin::api {
namespace {

using http::Request;
using http::Response;

constexpr std::string_view kContentSecurityPolicy =
    "default-src 'self'; connect-src 'self'; style-src 'self'; script-src 'self'; "
    "img-src 'self' data:; frame-ancestors 'none'";

Response serve(const Request& request, std::string_view name) {
  const dashboard::Asset* asset = dashboard::find_asset(name);
  if (asset == nullptr) return http::error_response(404, "no such resource");
  // Gzipped for a browser that takes it (all do); the same ETag never names both.
  const bool gzipped =
      !asset->gzip.empty() && dashboard::accepts_gzip(request.header("accept-encoding"));
  const std::string_view etag = gzipped ? std::string_view(asset->gzip_etag) : asset->etag;
  Response response;
  response.content_type = std::string(asset->content_type);
  response.headers = {
      {"ETag", std::string(etag)},
      {"Vary", "Accept-Encoding"},
      {"Cache-Control", "no-cache"},
      {"Content-Security-Policy", std::string(kContentSecurityPolicy)},
      {"X-Content-Type-Options", "nosniff"},
      {"Referrer-Policy", "no-referrer"},
  };
  if (dashboard::etag_matches(request.header("if-none-match"), etag)) {
    response.status = 304;
    return response;
  }
  if (gzipped) response.headers.emplace_back("Content-Encoding", "gzip");
  response.body = std::string(gzipped ? std::string_view(asset->gzip) : asset->bytes);
  return response;
}

}  // namespace

void add_dashboard_routes(http::Router& router, Services&) {
  router.add("GET", "/", {}, [](Request& request) -> boost::asio::awaitable<Response> {
    co_return serve(request, "index.html");
  });
  router.add("GET", "/dashboard/{file}", {},
             [](Request& request) -> boost::asio::awaitable<Response> {
               co_return serve(request, request.path_params.at("file"));
             });
}

}  // namespace tocsin::api
