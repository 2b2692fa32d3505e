#include "http/same_origin.h"

#include <curl/curl.h>

#include <cctype>
#include <memory>
#include <optional>
#include <string>

namespace tocsin::http {
namespace {

struct Origin {
  std::string scheme, host, port;
  bool operator==(const Origin&) const = default;
};

std::optional<std::string> part(CURLU* url, CURLUPart which, unsigned flags) {
  char* value = nullptr;
  if (curl_url_get(url, which, &value, flags) != CURLUE_OK) return std::nullopt;
  std::string text(value);
  curl_free(value);
  return text;
}

std::optional<Origin> origin_of(std::string_view text) {
  std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> url(curl_url(), &curl_url_cleanup);
  if (!url) return std::nullopt;
  const std::string copy(text);
  if (curl_url_set(url.get(), CURLUPART_URL, copy.c_str(), 0) != CURLUE_OK) return std::nullopt;
  auto scheme = part(url.get(), CURLUPART_SCHEME, 0);
  auto host = part(url.get(), CURLUPART_HOST, 0);
  auto port = part(url.get(), CURLUPART_PORT, CURLU_DEFAULT_PORT);
  if (!scheme || !host || !port) return std::nullopt;
  for (char& c : *host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return Origin{*scheme, *host, *port};
}

}  // namespace

bool same_origin(std::string_view origin, std::string_view public_url) {
  if (origin.empty() || origin == "null") return false;
  const auto ours = origin_of(public_url);
  const auto theirs = origin_of(origin);
  return ours && theirs && *ours == *theirs;
}

FormOrigin form_origin(std::string_view sec_fetch_site, std::string_view origin,
                       std::string_view public_url) {
  if (sec_fetch_site == "same-origin") return FormOrigin::ours;
  if (sec_fetch_site == "cross-site" || sec_fetch_site == "same-site") return FormOrigin::foreign;
  if (origin.empty() || origin == "null") return FormOrigin::unknown;
  return same_origin(origin, public_url) ? FormOrigin::ours : FormOrigin::foreign;
}

}  // namespace tocsin::http
