#include "io/curl_transfer.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string_view>
#include <utility>

namespace tocsin::io {
namespace {

using adapters::GatewayResponse;

std::string_view trim(std::string_view text) {
  const auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!text.empty() && blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && blank(text.back())) text.remove_suffix(1);
  return text;
}

bool same_letters(char a, char b) {
  return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
}

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() &&
         std::equal(prefix.begin(), prefix.end(), text.begin(), same_letters);
}

bool equal_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), same_letters);
}

size_t append_body(char* data, size_t size, size_t count, void* userdata) {
  auto* transfer = static_cast<CurlTransfer*>(userdata);
  std::string& body = transfer->response.body;
  if (body.size() + size * count > transfer->max_response_bytes) {
    transfer->response_too_large = true;
    return 0;  // anything but size * count makes libcurl stop with CURLE_WRITE_ERROR
  }
  body.append(data, size * count);
  return size * count;
}

// libcurl hands over one header line at a time, CRLF included. For SMTP these are the
// server's reply lines (libcurl treats them as the protocol's headers).
size_t read_header(char* data, size_t size, size_t count, void* userdata) {
  auto* transfer = static_cast<CurlTransfer*>(userdata);
  const std::string_view line(data, size * count);
  const std::string_view content = trim(line);
  if (transfer->smtp) {
    // 221 only answers QUIT, which libcurl sends when it closes a connection it will not
    // reuse: keep the reply to the message itself.
    if (!content.empty() && content.substr(0, 4) != "221 ") {
      transfer->last_smtp_reply = content;
    }
    return line.size();
  }
  auto& headers = transfer->response.headers;
  if (starts_with_ignoring_case(content, "HTTP/")) {
    // A new status line: what came before belonged to an interim response (100 Continue)
    // and is not the answer's.
    headers.clear();
  } else if (!line.empty() && (line.front() == ' ' || line.front() == '\t')) {
    // An obsolete folded continuation of the previous header's value.
    if (!headers.empty() && !content.empty()) {
      headers.back().second += ' ';
      headers.back().second += content;
    }
  } else if (const auto colon = content.find(':'); colon != std::string_view::npos) {
    headers.emplace_back(std::string(trim(content.substr(0, colon))),
                         std::string(trim(content.substr(colon + 1))));
  }
  return line.size();
}

size_t read_upload(char* buffer, size_t size, size_t count, void* userdata) {
  auto* transfer = static_cast<CurlTransfer*>(userdata);
  const size_t n = std::min(size * count, transfer->upload.size() - transfer->upload_offset);
  std::memcpy(buffer, transfer->upload.data() + transfer->upload_offset, n);
  transfer->upload_offset += n;
  return n;
}

// libcurl rewinds the message when it resends it, on a fresh connection, after finding
// that the cached one had been closed by the server.
int seek_upload(void* userdata, curl_off_t offset, int origin) {
  auto* transfer = static_cast<CurlTransfer*>(userdata);
  if (origin != SEEK_SET || offset < 0 || static_cast<size_t>(offset) > transfer->upload.size()) {
    return CURL_SEEKFUNC_CANTSEEK;
  }
  transfer->upload_offset = static_cast<size_t>(offset);
  return CURL_SEEKFUNC_OK;
}

long milliseconds(std::chrono::milliseconds duration) {
  return static_cast<long>(std::max<std::chrono::milliseconds::rep>(duration.count(), 0));
}

// Options every transfer gets, whatever the protocol.
void set_common_options(CurlTransfer& transfer, std::chrono::milliseconds timeout,
                        const CurlMultiOptions& options) {
  CURL* easy = transfer.easy;
  transfer.max_response_bytes = options.max_response_bytes;
  curl_easy_setopt(easy, CURLOPT_PRIVATE, &transfer);
  // The daemon has other threads (libcurl's resolver among them): no SIGALRM, no SIGPIPE.
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, transfer.error);
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &append_body);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, &read_header);
  curl_easy_setopt(easy, CURLOPT_HEADERDATA, &transfer);
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, milliseconds(timeout));
  auto connect_timeout = options.connect_timeout;
  if (timeout.count() > 0) connect_timeout = std::min(connect_timeout, timeout);
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, milliseconds(connect_timeout));
}

// True when libcurl wrote the whole request (head and body) before the exchange failed.
// The provider then may have acted on it, even though no answer came back.
bool whole_request_written(CurlTransfer& transfer) {
  long head_bytes = 0;
  curl_off_t body_bytes = 0;
  curl_easy_getinfo(transfer.easy, CURLINFO_REQUEST_SIZE, &head_bytes);
  curl_easy_getinfo(transfer.easy, CURLINFO_SIZE_UPLOAD_T, &body_bytes);
  return head_bytes > 0 && body_bytes >= static_cast<curl_off_t>(transfer.request_body.size());
}

// "Name: value" as libcurl wants it; "Name;" sends a header with an empty value ("Name:"
// would remove one of libcurl's own instead).
std::string header_line(const std::string& name, const std::string& value) {
  return value.empty() ? name + ";" : name + ": " + value;
}

}  // namespace

CurlTransfer::CurlTransfer() : easy(curl_easy_init()) {}

CurlTransfer::~CurlTransfer() {
  if (easy != nullptr) curl_easy_cleanup(easy);
  curl_slist_free_all(headers);
  curl_slist_free_all(recipients);
}

namespace {

// What one exchange left in a transfer that is given the next request.
void clear_exchange(CurlTransfer& transfer) {
  transfer.response = GatewayResponse{};
  transfer.error[0] = '\0';
  transfer.response_too_large = false;
  transfer.answer_timed_out = false;
}

// Every option of an HTTP transfer of this shape but its body.
void set_http_options(CurlTransfer& transfer, const CurlTransfer::HttpShape& shape,
                      const CurlMultiOptions& options) {
  CURL* easy = transfer.easy;
  // libcurl's own bound covers the whole exchange, connecting included; the provider's
  // time to answer is counted by CurlMulti from when the request is written.
  set_common_options(transfer,
                     shape.timeout.count() > 0 ? options.connect_timeout + shape.timeout
                                               : std::chrono::milliseconds(0),  // none
                     options);
  curl_easy_setopt(easy, CURLOPT_URL, shape.url.c_str());
  // HTTP/2 where the provider offers it over TLS (libcurl then multiplexes many requests
  // on one connection); wait for a TLS connection being set up to learn whether it can
  // carry this request too, rather than open one connection per request meanwhile. Plain
  // http:// is HTTP/1.1, one request per connection at a time: nothing to wait for.
  curl_easy_setopt(easy, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
  if (starts_with_ignoring_case(shape.url, "https://")) {
    curl_easy_setopt(easy, CURLOPT_PIPEWAIT, 1L);
  }
  // URLs come from the config: a typo must not turn into a file:// read or a gopher call.
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");

  bool expect_set = false;
  for (const auto& [name, value] : shape.headers) {
    expect_set = expect_set || equal_ignoring_case(name, "Expect");
    transfer.headers = curl_slist_append(transfer.headers, header_line(name, value).c_str());
  }
  // libcurl would announce large bodies with "Expect: 100-continue" and then wait up to a
  // second for a go-ahead that most API servers never send.
  if (!expect_set) transfer.headers = curl_slist_append(transfer.headers, "Expect:");
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, transfer.headers);

  if (shape.method == "GET") {
    curl_easy_setopt(easy, CURLOPT_HTTPGET, 1L);
  } else if (shape.method == "HEAD") {
    curl_easy_setopt(easy, CURLOPT_NOBODY, 1L);
  } else if (shape.method != "POST") {
    curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, shape.method.c_str());
  }
}

}  // namespace

std::unique_ptr<CurlTransfer> make_http_transfer(adapters::HttpRequest request,
                                                 const CurlMultiOptions& options,
                                                 std::unique_ptr<CurlTransfer> reused) {
  auto transfer = reused ? std::move(reused) : std::make_unique<CurlTransfer>();
  CURL* easy = transfer->easy;
  if (easy == nullptr) return transfer;
  clear_exchange(*transfer);
  CurlTransfer::HttpShape shape{.url = std::move(request.url),
                                .method = std::move(request.method),
                                .headers = std::move(request.headers),
                                .timeout = request.timeout,
                                .has_body = false};
  shape.has_body = (shape.method == "POST" || !request.body.empty()) && shape.method != "GET" &&
                   shape.method != "HEAD";
  if (transfer->http_shape != shape) {
    if (transfer->http_shape) {
      curl_easy_reset(easy);  // every option back to its default; connections stay
      curl_slist_free_all(transfer->headers);
      transfer->headers = nullptr;
      transfer->request_body.clear();
      transfer->multi_hooks_set = false;
    }
    transfer->http_shape = std::move(shape);
    set_http_options(*transfer, *transfer->http_shape, options);
  }
  transfer->answer_timeout = transfer->http_shape->timeout;
  if (transfer->http_shape->has_body) {
    transfer->request_body = std::move(request.body);
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(transfer->request_body.size()));
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, transfer->request_body.data());
  }
  return transfer;
}

std::unique_ptr<CurlTransfer> make_smtp_transfer(adapters::SmtpEnvelope envelope,
                                                 const CurlMultiOptions& options) {
  auto transfer = std::make_unique<CurlTransfer>();
  CURL* easy = transfer->easy;
  if (easy == nullptr) return transfer;
  transfer->smtp = true;
  set_common_options(
      *transfer, envelope.timeout.count() > 0 ? envelope.timeout : options.smtp_timeout, options);
  curl_easy_setopt(easy, CURLOPT_URL, envelope.url.c_str());
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  // With CURLUSESSL_ALL libcurl fails the transfer (CURLE_USE_SSL_FAILED) when the server
  // offers no STARTTLS, before MAIL FROM or AUTH: nothing goes out in clear. Without it,
  // libcurl does not try STARTTLS at all, which suits a relay on loopback.
  if (envelope.require_tls) curl_easy_setopt(easy, CURLOPT_USE_SSL, CURLUSESSL_ALL);
  // Verification is libcurl's default; set here so no later default change can turn it off.
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!envelope.ca_file.empty()) curl_easy_setopt(easy, CURLOPT_CAINFO, envelope.ca_file.c_str());
  if (!envelope.username.empty()) {
    // libcurl copies both strings; connections are reused only by transfers with the same
    // credentials.
    curl_easy_setopt(easy, CURLOPT_USERNAME, envelope.username.c_str());
    curl_easy_setopt(easy, CURLOPT_PASSWORD, envelope.password.c_str());
  }
  curl_easy_setopt(easy, CURLOPT_MAIL_FROM, envelope.mail_from.c_str());
  for (const auto& recipient : envelope.rcpt) {
    transfer->recipients = curl_slist_append(transfer->recipients, recipient.c_str());
  }
  curl_easy_setopt(easy, CURLOPT_MAIL_RCPT, transfer->recipients);
  // libcurl dot-stuffs the message as it sends it (a line "." would otherwise end DATA).
  transfer->upload = std::move(envelope.message);
  curl_easy_setopt(easy, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(easy, CURLOPT_READFUNCTION, &read_upload);
  curl_easy_setopt(easy, CURLOPT_READDATA, transfer.get());
  curl_easy_setopt(easy, CURLOPT_SEEKFUNCTION, &seek_upload);
  curl_easy_setopt(easy, CURLOPT_SEEKDATA, transfer.get());
  curl_easy_setopt(easy, CURLOPT_INFILESIZE_LARGE,
                   static_cast<curl_off_t>(transfer->upload.size()));
  return transfer;
}

adapters::GatewayResponse finish_response(CurlTransfer& transfer, CURLcode result) {
  GatewayResponse response = std::move(transfer.response);
  long status = 0;
  curl_easy_getinfo(transfer.easy, CURLINFO_RESPONSE_CODE, &status);
  response.http_status = static_cast<int>(status);
  if (transfer.smtp) response.body = std::move(transfer.last_smtp_reply);
  if (result != CURLE_OK) {
    response.transport_error = static_cast<int>(result);
    if (transfer.response_too_large) {
      response.transport_message =
          "response body over " + std::to_string(transfer.max_response_bytes) + " bytes";
    } else {
      response.transport_message =
          transfer.error[0] != '\0' ? transfer.error : curl_easy_strerror(result);
    }
    response.timed_out = result == CURLE_OPERATION_TIMEDOUT || transfer.answer_timed_out;
    if (transfer.answer_timed_out) {
      response.transport_error = static_cast<int>(CURLE_OPERATION_TIMEDOUT);
      response.transport_message = "no answer within " +
                                   std::to_string(transfer.answer_timeout.count()) +
                                   " ms of the request";
    }
    // SMTP is a conversation of many commands: only a plain HTTP exchange is judged here.
    response.request_sent = !transfer.smtp && whole_request_written(transfer);
  }
  return response;
}

adapters::GatewayResponse failed_response(CURLcode code, std::string message) {
  GatewayResponse response;
  response.transport_error = static_cast<int>(code);
  response.transport_message = std::move(message);
  return response;
}

}  // namespace tocsin::io
