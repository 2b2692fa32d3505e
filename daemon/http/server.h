#pragma once
// The HTTP/1.1 server: a Beast listener with one coroutine per connection (after Beast's
// server-flex-awaitable example). It owns what protects the daemon from its clients: body
// and header size limits, deadlines for each request, an idle timeout, connection caps,
// and a graceful shutdown that lets in-flight requests finish.
//
// The deadlines of one request:
//  - its head (request line and headers) must be complete within header_timeout: counted
//    from the accept for a connection's first request, from the first byte for a later one
//    on a kept-alive connection;
//  - the whole request (head and body) within request_timeout of its first byte;
//  - between two requests a kept-alive connection waits up to idle_timeout for the first
//    byte of the next.
// A connection past a deadline is closed without an answer (there is no request to answer).
//
// Connections are admitted by http/connection_table.h: at most max_connections_per_client
// per client address (http/client_key.h), and at most max_connections in all; when the
// server is full, the connection idle longest (waiting for a request head) is closed to
// admit the new one, so only connections at work (a request being read after its head,
// handled, answered, or a stream) can fill it. A connection refused is answered 503 with
// Connection: close. What is shed is counted (stats()) and logged as one summary line per
// period, not per connection (http/shed_report.h).
//
// A response with a stream body (http/stream.h) is sent with chunked transfer encoding
// for as long as the body runs: the request deadline and idle timeout do not apply to it,
// a write blocked longer than stream_write_timeout ends it, shutdown ends it at once, and
// it holds its connection (counted against max_connections) until it ends.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "http/shed_report.h"
#include "util/result.h"

namespace tocsin::http {

class Router;

struct ServerLimits {
  uint64_t max_body_bytes = 1 << 20;
  uint32_t max_header_bytes = 16 << 10;
  std::chrono::milliseconds header_timeout{5000};
  std::chrono::milliseconds request_timeout{10000};
  std::chrono::milliseconds idle_timeout{30000};
  uint32_t max_connections = 1024;
  uint32_t max_connections_per_client = 64;
  // A stream's write that cannot complete for this long (the client stopped reading and
  // the socket buffers are full) ends the stream (checked four times per bound, so within
  // 1.25 times it).
  std::chrono::milliseconds stream_write_timeout{10000};
  // At most one log line about shed connections per this period.
  std::chrono::milliseconds shed_log_period{10000};
};

class Server {
 public:
  Server(boost::asio::any_io_executor executor, Router& router, ServerLimits limits);
  ~Server();

  // Binds and listens (startup). Returns the bound port, which differs from `port` when
  // that is 0, or why it cannot listen (address in use, permission denied, a host name
  // that does not resolve).
  Result<uint16_t> listen(const std::string& host, uint16_t port);
  // Starts accepting connections.
  void start();
  // Stops accepting, closes idle connections, lets requests in progress finish and answer
  // (with Connection: close) for up to `grace`, then closes what is left.
  boost::asio::awaitable<void> shutdown(std::chrono::milliseconds grace);

  size_t open_connections() const;
  // Connections answering with a stream body right now.
  size_t open_streams() const;
  // Connections closed or refused to protect the server, since it started.
  ShedTotals shed() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace tocsin::http
