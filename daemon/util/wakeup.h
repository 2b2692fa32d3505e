#pragma once
// A wake-up call between coroutines of one io_context: wait() sleeps until notify() or a
// time limit, whichever comes first. Spurious wake-ups are possible (a second waiter
// re-arming the timer wakes the first), so waiters re-check their condition in a loop,
// which they do anyway.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>

namespace tocsin {

class Wakeup {
 public:
  explicit Wakeup(boost::asio::any_io_executor executor) : timer_(std::move(executor)) {}

  void notify() { timer_.cancel(); }

  boost::asio::awaitable<void> wait(std::chrono::steady_clock::duration limit) {
    timer_.expires_after(limit);
    boost::system::error_code ignored;
    co_await timer_.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ignored));
  }

 private:
  boost::asio::steady_timer timer_;
};

}  // namespace tocsin
