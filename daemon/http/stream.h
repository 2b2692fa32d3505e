#pragma once
// A response body written over time (Server-Sent Events): the handler returns a Response
// whose `stream` is a StreamBody, and the server, once the headers are out, runs the body
// with a sink that sends each write as one HTTP/1.1 chunk. Kept apart from Beast so route
// files only see this small interface.
//
// The server ends a stream (open() turns false, a wait() returns, the next write() fails)
// when the client goes away, when a write stays blocked longer than the server's bound
// (a client that stopped reading must not make the daemon pile memory), or when the daemon
// shuts down. The body then returns; the server sends the last chunk if it still can and
// closes the connection.

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <string_view>

namespace tocsin::http {

class StreamSink {
 public:
  virtual ~StreamSink() = default;

  // Sends `chunk` to the client; its bytes must stay valid until the write completes (the
  // caller co_awaits it, so a buffer the body keeps and reuses will do: no allocation per
  // write). Returns false when the stream has ended: return from run().
  virtual boost::asio::awaitable<bool> write(std::string_view chunk) = 0;
  // Returns when wake() is called, `timeout` passes or the stream ends, whichever comes
  // first. A wake() while no wait() is in progress makes the next one return at once.
  virtual boost::asio::awaitable<void> wait(std::chrono::milliseconds timeout) = 0;
  // For whoever feeds the body (on the server's executor): there is something to write.
  virtual void wake() = 0;
  // Ends the stream from the body's side (e.g. a viewer that fell too far behind).
  virtual void end() = 0;
  // False once the stream has ended.
  virtual bool open() const = 0;
};

class StreamBody {
 public:
  virtual ~StreamBody() = default;
  // Writes the body until it is done or the sink is no longer open.
  virtual boost::asio::awaitable<void> run(StreamSink& sink) = 0;
};

}  // namespace tocsin::http
