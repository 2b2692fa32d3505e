#include "redis/sentinel.h"

#include <spdlog/spdlog.h>

#include <boost/asio/async_result.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <charconv>
#include <memory>

#include "log/log.h"
#include "redis/connection.h"
#include "redis/errors.h"
#include "redis/pending_calls.h"

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

// One sentinel's answer, or why there is none.
asio::awaitable<std::optional<Endpoint>> ask(asio::any_io_executor executor,
                                             const Endpoint& sentinel,
                                             const SentinelOptions& options,
                                             std::chrono::milliseconds timeout, std::string* why) {
  // The timer is the wait for the connection, and for the replies: its expiry closes the
  // connection, which fails whatever is pending.
  auto timer = std::make_shared<asio::steady_timer>(executor);
  std::weak_ptr<asio::steady_timer> weak = timer;
  auto conn = Connection::open(executor, sentinel, [weak] {
    if (auto woken = weak.lock()) woken->cancel();
  });
  timer->expires_after(timeout);
  boost::system::error_code ignored;
  while (conn->state() == Connection::State::connecting) {
    co_await timer->async_wait(asio::redirect_error(asio::use_awaitable, ignored));
    if (timer->expiry() <= asio::steady_timer::clock_type::now()) break;
  }
  if (conn->state() != Connection::State::connected) {
    *why = sentinel.describe() + ": " +
           (conn->state() == Connection::State::closed ? conn->close_reason() : "timed out");
    co_return std::nullopt;
  }
  // A reply that does not come in time: the connection is closed under it.
  timer->expires_after(timeout);
  timer->async_wait([conn](boost::system::error_code ec) {
    if (!ec) conn->close("no answer in time", Errc::connection_lost);
  });
  if (!options.password.empty()) {
    Command auth{"AUTH", options.password};
    auto reply = co_await send(conn, std::move(auth));
    if (!reply || reply->is_error()) {
      *why = sentinel.describe() + ": AUTH failed" + (reply ? ": " + reply->str : "");
      co_return std::nullopt;
    }
  }
  Command question{"SENTINEL", "get-master-addr-by-name", options.master_name};
  auto reply = co_await send(conn, std::move(question));
  timer->cancel();
  conn->close("asked", Errc::stopped);
  if (!reply) {
    *why = sentinel.describe() + ": " + reply.error().message();
    co_return std::nullopt;
  }
  if (reply->type != Reply::Type::array || reply->elements.size() != 2) {
    *why = sentinel.describe() + ": " +
           (reply->is_error() ? reply->str
                              : "knows no master named " + log::quote(options.master_name));
    co_return std::nullopt;
  }
  Endpoint master;
  master.host = reply->elements[0].str;
  const std::string& port = reply->elements[1].str;
  auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), master.port);
  if (error != std::errc() || end != port.data() + port.size() || master.host.empty()) {
    *why = sentinel.describe() + ": an address that is none";
    co_return std::nullopt;
  }
  co_return master;
}

}  // namespace

asio::awaitable<std::optional<Endpoint>> ask_sentinels(asio::any_io_executor executor,
                                                       const SentinelOptions& options,
                                                       std::chrono::milliseconds timeout,
                                                       std::string* why) {
  std::string reasons;
  for (const Endpoint& sentinel : options.sentinels) {
    std::string reason;
    auto master = co_await ask(executor, sentinel, options, timeout, &reason);
    if (master) co_return master;
    reasons += (reasons.empty() ? "" : "; ") + reason;
  }
  *why =
      "no sentinel said where master " + log::quote(options.master_name) + " is (" + reasons + ")";
  co_return std::nullopt;
}

bool reports_master(const Reply& role) {
  return reported_role(role) == "master";
}

std::string reported_role(const Reply& role) {
  if (role.type != Reply::Type::array || role.elements.empty()) {
    return role.is_error() ? role.str : "no role";
  }
  return role.elements[0].str;
}

}  // namespace tocsin::redis
