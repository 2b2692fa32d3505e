#include "redis/one_shot.h"

#include <boost/asio/async_result.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <memory>

#include "redis/connection.h"
#include "redis/errors.h"
#include "redis/pending_calls.h"
#include "util/result.h"

namespace tocsin::redis {
namespace {

namespace asio = boost::asio;
using Command = std::vector<std::string>;

asio::awaitable<Result<Reply>> send(std::shared_ptr<Connection> conn, Command command) {
  auto executor = co_await asio::this_coro::executor;
  co_return co_await asio::async_initiate<const asio::use_awaitable_t<>&, void(Result<Reply>)>(
      [&conn, &command, &executor](auto handler) {
        using Handler = decltype(handler);
        conn->send(command, std::make_unique<SingleCall<Handler>>(std::move(handler), executor));
      },
      asio::use_awaitable);
}

}  // namespace

asio::awaitable<std::optional<Reply>> ask_once(asio::any_io_executor executor, Endpoint server,
                                               std::string password, Command command,
                                               std::chrono::milliseconds timeout,
                                               std::string* why) {
  // The timer is the wait for the connection, and for the replies: its expiry closes the
  // connection, which fails whatever is pending.
  auto timer = std::make_shared<asio::steady_timer>(executor);
  std::weak_ptr<asio::steady_timer> weak = timer;
  auto conn = Connection::open(executor, server, [weak] {
    if (auto woken = weak.lock()) woken->cancel();
  });
  timer->expires_after(timeout);
  boost::system::error_code ignored;
  while (conn->state() == Connection::State::connecting) {
    co_await timer->async_wait(asio::redirect_error(asio::use_awaitable, ignored));
    if (timer->expiry() <= asio::steady_timer::clock_type::now()) break;
  }
  if (conn->state() != Connection::State::connected) {
    *why = server.describe() + ": " +
           (conn->state() == Connection::State::closed ? conn->close_reason() : "timed out");
    co_return std::nullopt;
  }
  // A reply that does not come in time: the connection is closed under it.
  timer->expires_after(timeout);
  timer->async_wait([conn](boost::system::error_code ec) {
    if (!ec) conn->close("no answer in time", Errc::connection_lost);
  });
  if (!password.empty()) {
    Command auth{"AUTH", std::move(password)};
    auto reply = co_await send(conn, std::move(auth));
    if (!reply || reply->is_error()) {
      // Redis's own words (WRONGPASS), never the password.
      *why = server.describe() + ": AUTH failed" +
             (reply ? ": " + reply->str : ": " + reply.error().message());
      timer->cancel();
      conn->close("asked", Errc::stopped);
      co_return std::nullopt;
    }
  }
  auto reply = co_await send(conn, std::move(command));
  timer->cancel();
  conn->close("asked", Errc::stopped);
  if (!reply) {
    *why = server.describe() + ": " + reply.error().message();
    co_return std::nullopt;
  }
  co_return std::move(*reply);
}

}  // namespace tocsin::redis
