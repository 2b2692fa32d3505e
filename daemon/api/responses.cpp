#include "api/responses.h"

#include "http/json.h"

namespace tocsin::api {

http::Response json(unsigned status, const google::protobuf::Message& message) {
  http::Response response;
  response.status = status;
  response.body = http::to_json(message);
  return response;
}

http::Response unavailable() {
  return http::error_response(503, "Redis is unavailable; try again shortly");
}

http::Response no_alert(const std::string& id) {
  return http::error_response(404, "no alert with id \"" + id + "\"", "id");
}

}  // namespace tocsin::api
