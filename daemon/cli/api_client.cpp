#include "cli/api_client.h"

#include <curl/curl.h>

#include <google/protobuf/util/json_util.h>

#include <memory>

#include "http/json.h"
#include "proto/tocsin.pb.h"

namespace tocsin::cli {
namespace {

size_t append_to_string(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

struct CurlDeleter {
  void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

// The daemon's {"error": ..., "field": ...} (`error`, parsed), or the raw body when it is
// not that.
std::string explain(const ErrorResponse& error, const std::string& body) {
  if (!error.error().empty()) {
    return error.field().empty() ? error.error() : error.field() + ": " + error.error();
  }
  return body.empty() ? "(no details)" : body;
}

}  // namespace

std::string url_escape(const std::string& text) {
  std::unique_ptr<char, decltype(&curl_free)> escaped(
      curl_easy_escape(nullptr, text.data(), static_cast<int>(text.size())), &curl_free);
  return escaped ? std::string(escaped.get()) : std::string();
}

ApiClient::ApiClient(std::string base_url, std::string token)
    : base_url_(std::move(base_url)), token_(std::move(token)) {
  while (!base_url_.empty() && base_url_.back() == '/') base_url_.pop_back();
}

std::string ApiClient::get(const std::string& path) const {
  return request("GET", path, nullptr, "");
}

std::string ApiClient::post(const std::string& path, const std::string& body,
                            const std::string& content_type) const {
  return request("POST", path, &body, content_type);
}

std::string ApiClient::put(const std::string& path, const std::string& body) const {
  return request("PUT", path, &body, "application/json");
}

std::string ApiClient::request(const std::string& method, const std::string& path,
                               const std::string* body, const std::string& content_type) const {
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) throw CommandError(1, "cannot initialise libcurl");
  const std::string url = base_url_ + path;
  std::string response;
  char error_buffer[CURL_ERROR_SIZE] = {};
  curl_slist* raw_headers = nullptr;
  if (!token_.empty()) {
    raw_headers = curl_slist_append(raw_headers, ("Authorization: Bearer " + token_).c_str());
  }
  if (body != nullptr) {
    raw_headers = curl_slist_append(raw_headers, ("Content-Type: " + content_type).c_str());
  }
  std::unique_ptr<curl_slist, CurlDeleter> headers(raw_headers);

  CURL* h = curl.get();
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method.c_str());
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, append_to_string);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &response);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 300000L);  // an import of 600,000 rows takes time
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  if (body != nullptr) {
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body->data());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body->size()));
  }
  if (CURLcode rc = curl_easy_perform(h); rc != CURLE_OK) {
    throw CommandError(1, "cannot reach the daemon at " + base_url_ + ": " +
                              (error_buffer[0] ? error_buffer : curl_easy_strerror(rc)) +
                              " (is tocsind running? set TOCSIN_URL or --url)");
  }
  long status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  if (status >= 200 && status < 300) return response;
  // A refusal may say more than error and field (TemplateRefusal lists every problem): those
  // two are read whatever else it holds, and the whole body is kept for the command.
  ErrorResponse error;
  google::protobuf::util::JsonParseOptions lenient;
  lenient.ignore_unknown_fields = true;
  if (response.empty() ||
      !google::protobuf::util::JsonStringToMessage(response, &error, lenient).ok()) {
    error.Clear();
  }
  const std::string details = explain(error, response);
  auto refused = [&](int exit_code, const std::string& message) {
    return ApiError(exit_code, message, status, error.error(), error.field(), response);
  };
  switch (status) {
    case 401:
      throw refused(1,
                    "the daemon refused the token: " + details + " (set TOCSIN_TOKEN or --token)");
    case 403:
      throw refused(1, "not allowed: " + details);
    case 400:
    case 404:
    case 409:
    case 413:
    case 422:
      throw refused(2, details);
    case 503:
      throw refused(1, "the daemon is not ready: " + details);
    default:
      throw refused(1, "the daemon answered " + std::to_string(status) + ": " + details);
  }
}

}  // namespace tocsin::cli
