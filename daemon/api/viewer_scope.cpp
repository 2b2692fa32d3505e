#include "api/viewer_scope.h"

namespace tocsin::api {

std::variant<turnout::Scope, http::Response> viewer_scope(const http::Request& request) {
  auto region = request.query_param("region");
  if (region && region->empty()) region.reset();
  auto scope = turnout::make_scope(*request.principal, region);
  if (!scope) return http::error_response(403, "this region is not one of yours", "region");
  return std::move(*scope);
}

}  // namespace tocsin::api
