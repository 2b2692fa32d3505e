#pragma once
// Plain request and response types for route handlers. They keep Beast out of every file
// that only wants to answer a request (Beast is heavy to compile, see server.cpp).

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "auth/principal.h"

namespace tocsin::http {

class StreamBody;  // http/stream.h

struct Request {
  std::string method;  // "GET", "POST", ...
  std::string target;  // as received: path and query, still percent-encoded
  std::string path;    // decoded, without the query
  std::multimap<std::string, std::string> query;             // decoded
  std::map<std::string, std::string> path_params;            // filled by the router
  std::vector<std::pair<std::string, std::string>> headers;  // names in lower case
  std::string body;
  std::optional<auth::Principal> principal;  // set by the router on authenticated routes
  // Who sent it, for per-client limits: the client_key() of the peer's address (IPv4, or
  // an IPv6 /64). Behind a reverse proxy, the proxy's.
  std::string client;

  // The first header of that name (lower case), or "".
  std::string_view header(std::string_view lower_name) const;
  // The first query parameter of that name, or nullopt.
  std::optional<std::string> query_param(const std::string& name) const;
};

struct Response {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  // When set, the body is written over time by this (chunked transfer encoding) instead of
  // `body`, and the connection closes when it ends. See http/stream.h.
  std::shared_ptr<StreamBody> stream;
};

// {"error": "...", "field": "..."} with the given status.
Response error_response(unsigned status, std::string_view error, std::string_view field = {});

// Splits a request target into a decoded path and query parameters. Returns false for a
// target that is not origin-form ("/path?query") or whose escapes do not decode.
bool parse_target(std::string_view target, std::string* path,
                  std::multimap<std::string, std::string>* query);

}  // namespace tocsin::http
