#pragma once
// Runs an awaitable alongside the coroutine that starts it; result() waits for it. Two
// round trips that do not depend on each other then overlap instead of following one
// another (Boost 1.74's Asio has no parallel_group). For one io_context thread: no locks.
//
// The task must own what it uses (arguments by value, objects that outlive it): it runs
// to its end even when the starter is gone before asking for the result.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include <chrono>
#include <exception>
#include <memory>
#include <optional>
#include <utility>

#include "util/wakeup.h"

namespace tocsin {

template <typename T>
class Alongside {
 public:
  Alongside(boost::asio::any_io_executor executor, boost::asio::awaitable<T> task)
      : state_(std::make_shared<State>(executor)) {
    boost::asio::co_spawn(executor, run(state_, std::move(task)), boost::asio::detached);
  }

  // The task's result once it is done; its exception, rethrown. Once only.
  boost::asio::awaitable<T> result() {
    // Woken by the task's end; the limit only bounds a wait that nothing else ends.
    while (!state_->value && !state_->error) co_await state_->done.wait(std::chrono::hours(1));
    if (state_->error) std::rethrow_exception(state_->error);
    co_return std::move(*state_->value);
  }

 private:
  struct State {
    explicit State(boost::asio::any_io_executor executor) : done(std::move(executor)) {}
    std::optional<T> value;
    std::exception_ptr error;
    Wakeup done;
  };

  static boost::asio::awaitable<void> run(std::shared_ptr<State> state,
                                          boost::asio::awaitable<T> task) {
    try {
      state->value.emplace(co_await std::move(task));
    } catch (...) {
      state->error = std::current_exception();
    }
    state->done.notify();
  }

  std::shared_ptr<State> state_;
};

}  // namespace tocsin
