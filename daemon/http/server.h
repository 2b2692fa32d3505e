#pragma once
// The HTTP/1.1 server: a Beast listener with one coroutine per connection (after Beast's
// server-flex-awaitable example). It owns what protects the daemon from its clients: body
// and header size limits, a deadline for each request, an idle timeout, a connection cap,
// and a graceful shutdown that lets in-flight requests finish.
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

#include "util/result.h"

namespace tocsin::http {

class Router;

struct ServerLimits {
  uint64_t max_body_bytes = 1 << 20;
  uint32_t max_header_bytes = 16 << 10;
  std::chrono::milliseconds request_timeout{10000};
  std::chrono::milliseconds idle_timeout{30000};
  uint32_t max_connections = 1024;
  // A stream's write that cannot complete for this long (the client stopped reading and
  // the socket buffers are full) ends the stream (checked four times per bound, so within
  // 1.25 times it).
  std::chrono::milliseconds stream_write_timeout{10000};
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

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace tocsin::http
