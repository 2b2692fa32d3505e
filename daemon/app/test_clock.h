#pragma once
// tocsind --test-clock: the daemon's Clock (util/clock.h) runs ahead of the wall clock by
// the milliseconds in the Redis key `test:clock_offset_ms`, read again every 50 ms. Tests
// of scheduled sends, escalation waves, quiet hours and expiry move time with
// `SET test:clock_offset_ms N` and wait on the outcome, instead of sleeping for hours.
// Never for production: the daemon says so in its log at start.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <functional>
#include <string_view>

#include "util/clock.h"

namespace tocsin::redis {
class Client;
}

namespace tocsin::app {

inline constexpr std::string_view kTestClockOffsetKey = "test:clock_offset_ms";

class TestClockFollower {
 public:
  TestClockFollower(boost::asio::any_io_executor executor, redis::Client& redis,
                    OffsetClock& clock);
  // Calls on_moved after each change of the offset (the scheduler looks at once).
  void on_moved(std::function<void()> callback) { on_moved_ = std::move(callback); }

  boost::asio::awaitable<void> run();
  void stop();

 private:
  boost::asio::any_io_executor executor_;
  redis::Client& redis_;
  OffsetClock& clock_;
  std::function<void()> on_moved_;
  bool stopping_ = false;
};

}  // namespace tocsin::app
