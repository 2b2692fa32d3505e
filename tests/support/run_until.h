#pragma once
// Drives a test's io_context in short turns until `condition` holds or `timeout` passes:
// for tests that run the daemon's coroutines on their own thread and wait for what they do.

#include <boost/asio/io_context.hpp>

#include <chrono>

namespace tocsin::testing {

template <class Condition>
bool run_until(boost::asio::io_context& io, Condition condition, std::chrono::milliseconds timeout,
               std::chrono::milliseconds turn = std::chrono::milliseconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    io.restart();
    io.run_for(turn);
  }
  return true;
}

}  // namespace tocsin::testing
