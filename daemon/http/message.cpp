#include "http/message.h"

#include <curl/curl.h>

#include <memory>

#include "http/json.h"
#include "proto/tocsin.pb.h"

namespace tocsin::http {
namespace {

// Percent-decoding is libcurl's (curl_easy_unescape); '+' means space in a query string.
std::optional<std::string> unescape(std::string_view text, bool plus_is_space) {
  std::string input(text);
  if (plus_is_space) {
    for (char& c : input) {
      if (c == '+') c = ' ';
    }
  }
  int length = 0;
  std::unique_ptr<char, decltype(&curl_free)> decoded(
      curl_easy_unescape(nullptr, input.data(), static_cast<int>(input.size()), &length),
      &curl_free);
  if (!decoded) return std::nullopt;
  std::string out(decoded.get(), static_cast<size_t>(length));
  // A decoded NUL would truncate the value wherever it is later used as a C string.
  if (out.find('\0') != std::string::npos) return std::nullopt;
  return out;
}

}  // namespace

std::string_view Request::header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) return value;
  }
  return {};
}

std::optional<std::string> Request::query_param(const std::string& name) const {
  auto it = query.find(name);
  if (it == query.end()) return std::nullopt;
  return it->second;
}

Response error_response(unsigned status, std::string_view error, std::string_view field) {
  ErrorResponse body;
  body.set_error(std::string(error));
  body.set_field(std::string(field));
  Response response;
  response.status = status;
  response.body = to_json(body);
  return response;
}

bool parse_target(std::string_view target, std::string* path,
                  std::multimap<std::string, std::string>* query) {
  if (target.empty() || target.front() != '/') return false;
  const size_t question = target.find('?');
  auto decoded_path = unescape(target.substr(0, question), /*plus_is_space=*/false);
  if (!decoded_path) return false;
  *path = std::move(*decoded_path);
  query->clear();
  if (question == std::string_view::npos) return true;
  std::string_view rest = target.substr(question + 1);
  // A fragment is never sent by a browser; drop it if a client does.
  rest = rest.substr(0, rest.find('#'));
  while (!rest.empty()) {
    const size_t amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    auto name = unescape(pair.substr(0, eq), true);
    auto value =
        unescape(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1), true);
    if (!name || !value) return false;
    query->emplace(std::move(*name), std::move(*value));
  }
  return true;
}

}  // namespace tocsin::http
