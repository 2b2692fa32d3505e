#include "http/chunked_sink.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/chunk_encode.hpp>

#include <array>

namespace tocsin::http {
namespace asio = boost::asio;
namespace bhttp = boost::beast::http;

ChunkedSink::ChunkedSink(std::shared_ptr<void> owner, asio::ip::tcp::socket& socket,
                         std::chrono::milliseconds write_timeout)
    : owner_(std::move(owner)),
      socket_(socket),
      write_timeout_(write_timeout),
      wake_timer_(socket.get_executor()) {}

void ChunkedSink::watch_peer() {
  auto self = shared_from_this();
  asio::co_spawn(
      socket_.get_executor(),
      [self]() -> asio::awaitable<void> {
        std::array<char, 512> scratch;
        boost::system::error_code ec;
        while (!ec) {
          co_await self->socket_.async_read_some(asio::buffer(scratch),
                                                 asio::redirect_error(asio::use_awaitable, ec));
        }
        // EOF or reset from the client; operation_aborted once the server closed it.
        self->end_because("client");
      },
      asio::detached);
}

template <class Buffers>
asio::awaitable<bool> ChunkedSink::send(const Buffers& buffers, std::chrono::milliseconds timeout) {
  // A write to a client that stopped reading completes only when its socket buffers have
  // room again: past `timeout`, check_write_deadline() closes the socket, which fails it.
  writing_ = true;
  write_deadline_ = std::chrono::steady_clock::now() + timeout;
  boost::system::error_code ec;
  co_await asio::async_write(socket_, buffers, asio::redirect_error(asio::use_awaitable, ec));
  writing_ = false;
  if (ec) {
    socket_broken_ = true;
    end_because("write_error");
  }
  co_return !ec;
}

void ChunkedSink::check_write_deadline(std::chrono::steady_clock::time_point now) {
  if (!writing_ || now < write_deadline_) return;
  end_because("write_timeout");
  socket_broken_ = true;
  boost::system::error_code ignored;
  socket_.close(ignored);
}

asio::awaitable<bool> ChunkedSink::write(std::string_view chunk) {
  if (ended_) co_return false;
  if (chunk.empty()) co_return true;  // an empty chunk would be the last one
  const auto body = asio::buffer(chunk.data(), chunk.size());
  const bool sent = co_await send(bhttp::make_chunk(body), write_timeout_);
  co_return sent && !ended_;
}

asio::awaitable<void> ChunkedSink::wait(std::chrono::milliseconds timeout) {
  if (ended_ || woken_) {
    woken_ = false;
    co_return;
  }
  waiting_ = true;
  wake_timer_.expires_after(timeout);
  boost::system::error_code ec;
  co_await wake_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  waiting_ = false;
  woken_ = false;
}

void ChunkedSink::wake() {
  woken_ = true;
  if (waiting_) wake_timer_.cancel();
}

void ChunkedSink::end() { end_because("body"); }

void ChunkedSink::end_because(const char* reason) {
  if (ended_) return;
  ended_ = true;
  end_reason_ = reason;
  wake();
}

void ChunkedSink::stop() {
  end_because("stopping");
  if (writing_) {
    // A blocked write would hold the shutdown for up to write_timeout: cut it.
    socket_broken_ = true;
    boost::system::error_code ignored;
    socket_.close(ignored);
  }
}

asio::awaitable<void> ChunkedSink::finish(std::chrono::milliseconds timeout) {
  if (socket_broken_ || !socket_.is_open() || std::string_view(end_reason_) == "client") co_return;
  co_await send(bhttp::make_chunk_last(), timeout);
}

}  // namespace tocsin::http
