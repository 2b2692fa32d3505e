#pragma once
// The server's StreamSink (http/stream.h): each write() goes out as one HTTP/1.1 chunk on
// the connection's socket. Internal to the HTTP server (it pulls in Asio's socket).
//
// It also keeps a read pending on the socket while the stream runs, so a client that
// closes its end is noticed at once rather than at the next write; anything the client
// sends meanwhile is read and dropped (a stream ends its connection).

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <memory>

#include "http/stream.h"

namespace tocsin::http {

class ChunkedSink final : public StreamSink, public std::enable_shared_from_this<ChunkedSink> {
 public:
  // `owner` keeps `socket` alive for as long as the sink's operations may touch it.
  ChunkedSink(std::shared_ptr<void> owner, boost::asio::ip::tcp::socket& socket,
              std::chrono::milliseconds write_timeout);

  // Starts watching for the client's end of the connection. Call once, before run().
  void watch_peer();
  // Ends the stream when a write has been blocked past its bound (the client stopped
  // reading). The server calls it for every stream a few times per bound: one sweep for
  // all, rather than a timer armed and cancelled around each write.
  void check_write_deadline(std::chrono::steady_clock::time_point now);

  boost::asio::awaitable<bool> write(std::string_view chunk) override;
  boost::asio::awaitable<void> wait(std::chrono::milliseconds timeout) override;
  void wake() override;
  void end() override;
  bool open() const override { return !ended_; }

  // The daemon is stopping: end the stream now, cutting a write in progress.
  void stop();
  // After the body returned: the last chunk (empty), within `timeout`, unless the
  // connection is already unusable.
  boost::asio::awaitable<void> finish(std::chrono::milliseconds timeout);

  // Why it ended, for the log: "client", "write_timeout", "stopping", "body", "write_error".
  const char* end_reason() const { return end_reason_; }

 private:
  template <class Buffers>
  boost::asio::awaitable<bool> send(const Buffers& buffers, std::chrono::milliseconds timeout);
  void end_because(const char* reason);

  std::shared_ptr<void> owner_;
  boost::asio::ip::tcp::socket& socket_;
  std::chrono::milliseconds write_timeout_;
  boost::asio::steady_timer wake_timer_;
  std::chrono::steady_clock::time_point write_deadline_;  // of the write in progress
  bool writing_ = false;
  bool waiting_ = false;
  bool woken_ = false;
  bool ended_ = false;
  bool socket_broken_ = false;  // a write failed or was cut: no last chunk
  const char* end_reason_ = "body";
};

}  // namespace tocsin::http
