#pragma once
// One libcurl easy handle set up for one GatewayRequest, and everything libcurl reads from
// or writes into while it runs. Internal to the io module: CurlMulti runs these; this file
// knows how a request maps onto libcurl options and how libcurl's results map back onto a
// GatewayResponse, and nothing about the event loop.

#include <curl/curl.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "adapters/gateway.h"
#include "io/curl_multi.h"

namespace tocsin::io {

struct CurlTransfer {
  CurlTransfer();
  ~CurlTransfer();
  CurlTransfer(const CurlTransfer&) = delete;
  CurlTransfer& operator=(const CurlTransfer&) = delete;

  CURL* easy;  // null if libcurl could not allocate one
  curl_slist* headers = nullptr;
  curl_slist* recipients = nullptr;
  // libcurl reads the POST body in place (CURLOPT_POSTFIELDS), so the transfer owns it.
  std::string request_body;
  // The SMTP message, fed to libcurl by a read callback.
  std::string upload;
  size_t upload_offset = 0;
  bool smtp = false;
  std::string last_smtp_reply;
  size_t max_response_bytes = 0;
  bool response_too_large = false;
  adapters::GatewayResponse response;  // body and headers fill in as they arrive
  char error[CURL_ERROR_SIZE] = {};
  // HTTP: the provider's time to answer, counted by CurlMulti from when libcurl is about
  // to write the request (CURLOPT_PREREQFUNCTION), so time spent connecting or waiting for
  // a connection is never taken from it. 0 for SMTP, bounded by libcurl's own timeout.
  std::chrono::milliseconds answer_timeout{0};
  // Set by CurlMulti: the multi that runs this transfer, for the PREREQ hook.
  void* owner = nullptr;
  // CurlMulti's own deadline fired (answer_timeout after the request was written).
  bool answer_timed_out = false;

  // HTTP: what the easy handle is set up for. A gateway sends all its requests to one URL
  // with the same method, headers and timeout, only the body changes: a finished transfer
  // given the next request of the same shape keeps every option and sets the body alone
  // (see make_http_transfer).
  struct HttpShape {
    std::string url;
    std::string method;
    adapters::Headers headers;
    std::chrono::milliseconds timeout{0};
    bool has_body = false;
    bool operator==(const HttpShape&) const = default;
  };
  std::optional<HttpShape> http_shape;
  // CurlMulti's hooks on the handle (sockets, PREREQ) are set: they survive reuse, not a
  // reset.
  bool multi_hooks_set = false;
};

// The transfer for one request, its options set: `reused` (a finished HTTP transfer, still
// holding its easy handle, given back by CurlMulti) when there is one, else a new one. A
// reused transfer already set up for the request's shape gets only the new body; any other
// is reset (curl_easy_reset: every option back to its default, connections kept) and set
// up anew, so a request goes on the wire the same either way. Connection-level hooks (the
// socket callbacks) are the multi's business and are set by it.
std::unique_ptr<CurlTransfer> make_http_transfer(adapters::HttpRequest request,
                                                 const CurlMultiOptions& options,
                                                 std::unique_ptr<CurlTransfer> reused = nullptr);
std::unique_ptr<CurlTransfer> make_smtp_transfer(adapters::SmtpEnvelope envelope,
                                                 const CurlMultiOptions& options);

// The response, once libcurl has reported the transfer done with `result`.
adapters::GatewayResponse finish_response(CurlTransfer& transfer, CURLcode result);

// A response for a transfer that never ran or was cut short by us, not by the network.
adapters::GatewayResponse failed_response(CURLcode code, std::string message);

}  // namespace tocsin::io
