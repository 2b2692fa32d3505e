#pragma once
// The one HTTP and SMTP client of the daemon: a single libcurl multi handle driven by the
// Asio event loop (adapters/README.md, "Adapters are free of I/O"). Adapters describe requests
// (adapters::HttpRequest, adapters::SmtpEnvelope); this runs them, any number at once, on
// the io_context's thread, with no thread per request and no poll loop of its own: libcurl
// tells us which sockets to watch (CURLMOPT_SOCKETFUNCTION) and when to wake it
// (CURLMOPT_TIMERFUNCTION), and Asio does the waiting.
//
// Connections stay open between requests in the multi handle's connection cache, so a
// burst of 10,000 SMS to one provider costs a handful of TCP and TLS handshakes, not
// 10,000.
//
// TLS: the URL's scheme decides (https://, smtps://); an SmtpEnvelope with require_tls
// makes libcurl insist on STARTTLS on smtp://. Certificates are always verified.
//
// Not thread-safe: use it from the io_context's thread only (the daemon has one), and
// destroy it before the io_context, like any Asio I/O object.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <memory>

#include "adapters/gateway.h"

namespace tocsin::io {

struct CurlMultiOptions {
  // Connections open at once to one host (CURLMOPT_MAX_HOST_CONNECTIONS); 0 = no limit.
  // No limit by default: the dispatch engine bounds the requests in flight per gateway
  // (its max_concurrency), and a cap here would only queue requests inside libcurl, so a
  // gateway configured for 256 requests at once would run 16 (16 / latency: 53 messages/s
  // at 300 ms).
  long max_host_connections = 0;
  // Connections open at once in total (CURLMOPT_MAX_TOTAL_CONNECTIONS); 0 = no limit.
  long max_total_connections = 0;
  // Idle connections kept for reuse (CURLMOPT_MAXCONNECTS). Below max_host_connections
  // times the number of gateways, busy periods close and reopen connections.
  long max_cached_connections = 64;
  // TCP (and TLS) connect, within the request's own timeout.
  std::chrono::milliseconds connect_timeout{5'000};
  // The whole SMTP exchange, for an SmtpEnvelope without a timeout of its own.
  std::chrono::milliseconds smtp_timeout{30'000};
  // A provider's answer is a few hundred bytes; a larger one is cut off (the transfer
  // fails with CURLE_WRITE_ERROR) rather than filling memory.
  size_t max_response_bytes = 1 << 20;
};

class CurlMulti {
 public:
  using Options = CurlMultiOptions;

  explicit CurlMulti(boost::asio::any_io_executor executor, Options options = {});
  // Calls shutdown().
  ~CurlMulti();
  CurlMulti(const CurlMulti&) = delete;
  CurlMulti& operator=(const CurlMulti&) = delete;

  // Runs one HTTP exchange. Never throws for network trouble: a failure is in the
  // response's transport_error (a CURLcode), transport_message and timed_out, and an HTTP
  // error status is just http_status. request.timeout is the provider's time to answer,
  // counted from when the request is written; connecting has its own connect_timeout.
  // A failure after the whole request was written sets request_sent. The awaiter may
  // outlive this CurlMulti.
  boost::asio::awaitable<adapters::GatewayResponse> execute(adapters::HttpRequest request);
  // Sends one message: EHLO, MAIL FROM, RCPT TO for each recipient, DATA. http_status is
  // the server's last SMTP reply code (250 when accepted) and body its reply line (which
  // often names the server's queue id), whatever the outcome.
  boost::asio::awaitable<adapters::GatewayResponse> execute(adapters::SmtpEnvelope envelope);

  // Aborts every transfer in flight (their awaiters complete with transport_error
  // CURLE_ABORTED_BY_CALLBACK), closes every connection, and makes later execute() calls
  // fail the same way at once. Idempotent.
  void shutdown();

  // For metrics, and for tests to prove that connections are reused.
  uint64_t transfers_started() const;
  uint64_t connections_opened() const;  // TCP connections libcurl opened, failed ones too
  size_t transfers_in_flight() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace tocsin::io
