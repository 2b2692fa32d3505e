#include "redis/url.h"

#include <curl/curl.h>

#include <charconv>
#include <memory>

namespace tocsin::redis {
namespace {

struct UrlDeleter {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};
struct CurlStringDeleter {
  void operator()(char* s) const { curl_free(s); }
};
using CurlString = std::unique_ptr<char, CurlStringDeleter>;

std::optional<std::string> url_part(CURLU* url, CURLUPart part) {
  char* raw = nullptr;
  if (curl_url_get(url, part, &raw, CURLU_URLDECODE) != CURLUE_OK || raw == nullptr) {
    return std::nullopt;
  }
  CurlString owned(raw);
  return std::string(owned.get());
}

bool parse_db(std::string_view text, int* db, std::string* error) {
  int value = -1;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0 || value > 15) {
    *error = "database must be a number from 0 to 15, got '" + std::string(text) + "'";
    return false;
  }
  *db = value;
  return true;
}

std::optional<Endpoint> parse_unix(std::string_view rest, std::string* error) {
  Endpoint endpoint;
  std::string_view path = rest;
  if (auto q = rest.find('?'); q != std::string_view::npos) {
    path = rest.substr(0, q);
    std::string_view query = rest.substr(q + 1);
    if (query.substr(0, 3) != "db=") {
      *error = "the only query parameter of a unix:// Redis URL is db=N";
      return std::nullopt;
    }
    if (!parse_db(query.substr(3), &endpoint.db, error)) return std::nullopt;
  }
  if (path.empty() || path.front() != '/') {
    *error = "a unix:// Redis URL needs an absolute socket path (unix:///path/to/socket)";
    return std::nullopt;
  }
  endpoint.unix_path = std::string(path);
  return endpoint;
}

}  // namespace

std::string Endpoint::describe() const {
  std::string where = is_unix() ? "unix://" + unix_path : host + ":" + std::to_string(port);
  if (db != 0) where += " db " + std::to_string(db);
  return where;
}

std::optional<Endpoint> parse_url(std::string_view url, std::string* error) {
  constexpr std::string_view unix_scheme = "unix://";
  if (url.substr(0, unix_scheme.size()) == unix_scheme) {
    return parse_unix(url.substr(unix_scheme.size()), error);
  }
  if (url.substr(0, 8) != "redis://") {
    *error = "Redis URL must start with redis:// or unix://";
    return std::nullopt;
  }
  std::unique_ptr<CURLU, UrlDeleter> parsed(curl_url());
  std::string text(url);
  if (CURLUcode rc =
          curl_url_set(parsed.get(), CURLUPART_URL, text.c_str(), CURLU_NON_SUPPORT_SCHEME);
      rc != CURLUE_OK) {
    *error = std::string("malformed Redis URL: ") + curl_url_strerror(rc);
    return std::nullopt;
  }
  Endpoint endpoint;
  auto host = url_part(parsed.get(), CURLUPART_HOST);
  if (!host || host->empty()) {
    *error = "Redis URL has no host";
    return std::nullopt;
  }
  // curl keeps the brackets of an IPv6 literal; hiredis wants the bare address.
  if (host->size() > 2 && host->front() == '[') *host = host->substr(1, host->size() - 2);
  endpoint.host = *host;
  if (auto port = url_part(parsed.get(), CURLUPART_PORT)) {
    int value = 0;
    auto [end, ec] = std::from_chars(port->data(), port->data() + port->size(), value);
    if (ec != std::errc() || end != port->data() + port->size() || value < 1 || value > 65535) {
      *error = "Redis port must be 1 to 65535, got '" + *port + "'";
      return std::nullopt;
    }
    endpoint.port = static_cast<uint16_t>(value);
  }
  if (auto password = url_part(parsed.get(), CURLUPART_PASSWORD)) endpoint.password = *password;
  if (auto path = url_part(parsed.get(), CURLUPART_PATH); path && *path != "/" && !path->empty()) {
    if (!parse_db(std::string_view(*path).substr(1), &endpoint.db, error)) return std::nullopt;
  }
  if (auto query = url_part(parsed.get(), CURLUPART_QUERY); query && !query->empty()) {
    *error = "Redis URL takes no query parameters";
    return std::nullopt;
  }
  return endpoint;
}

}  // namespace tocsin::redis
