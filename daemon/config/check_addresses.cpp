// The checks of where the daemon listens, where it is reached, and where Redis is.

#include <curl/curl.h>

#include <memory>

#include "config/checks.h"
#include "config/quote.h"
#include "redis/url.h"

namespace tocsin::config::checks {
namespace {

struct UrlDeleter {
  void operator()(CURLU* url) const { curl_url_cleanup(url); }
};
struct CurlStringDeleter {
  void operator()(char* text) const { curl_free(text); }
};

// The part, or nullopt when the URL does not have it.
std::optional<std::string> url_part(CURLU* url, CURLUPart part) {
  char* raw = nullptr;
  if (curl_url_get(url, part, &raw, 0) != CURLUE_OK || raw == nullptr) return std::nullopt;
  std::unique_ptr<char, CurlStringDeleter> owned(raw);
  return std::string(owned.get());
}

std::optional<std::string> public_url_problem(const std::string& text) {
  std::unique_ptr<CURLU, UrlDeleter> url(curl_url());
  if (!url) return "cannot parse URL: out of memory";
  if (CURLUcode rc = curl_url_set(url.get(), CURLUPART_URL, text.c_str(), 0); rc != CURLUE_OK) {
    return std::string("expected http(s)://host[:port], ") + curl_url_strerror(rc);
  }
  std::string scheme = url_part(url.get(), CURLUPART_SCHEME).value_or("");
  if (scheme != "http" && scheme != "https") {
    return "scheme must be http or https, got " + in_quotes(scheme);
  }
  if (url_part(url.get(), CURLUPART_USER) || url_part(url.get(), CURLUPART_PASSWORD)) {
    return "must not contain a user name or password";
  }
  // curl reports an absent path as "/"; links are built by appending "/r/<token>" etc.
  if (std::string path = url_part(url.get(), CURLUPART_PATH).value_or("/"); path != "/") {
    return "must not have a path (got " + in_quotes(path) + "): links are built from its root";
  }
  if (url_part(url.get(), CURLUPART_QUERY)) return "must not have a query";
  if (url_part(url.get(), CURLUPART_FRAGMENT)) return "must not have a fragment";
  return std::nullopt;
}

}  // namespace

void listen(const std::string& listen, Problems* problems) {
  // Empty means the default, which is valid.
  if (listen.empty()) return;
  std::string error;
  if (!parse_listen(listen, &error)) problems->emplace_back("http.listen", error);
}

void public_url(const HttpConfig& http, Problems* problems) {
  if (http.public_url().empty()) return;
  // apply_defaults() derives public_url from listen; a bad listen is already reported, and
  // repeating it under a field the user never wrote would only confuse.
  if (http.public_url() == "http://" + http.listen() && !http.listen().empty() &&
      !parse_listen(http.listen(), nullptr)) {
    return;
  }
  if (auto problem = public_url_problem(http.public_url())) {
    problems->emplace_back("http.public_url", *problem);
  }
}

void redis_url(const std::string& url, Problems* problems) {
  if (url.empty()) {
    problems->emplace_back("redis.url", "required (or set TOCSIN_REDIS_URL)");
    return;
  }
  // The URL itself is not repeated: it may carry a password.
  std::string error;
  if (!redis::parse_url(url, &error)) problems->emplace_back("redis.url", error);
}

}  // namespace tocsin::config::checks
