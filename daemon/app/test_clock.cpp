#include "app/test_clock.h"

#include <spdlog/spdlog.h>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <cstdlib>
#include <string>

#include "redis/client.h"
#include "redis/decode.h"

namespace tocsin::app {

namespace asio = boost::asio;

TestClockFollower::TestClockFollower(asio::any_io_executor executor, redis::Client& redis,
                                     OffsetClock& clock)
    : executor_(std::move(executor)), redis_(redis), clock_(clock) {}

asio::awaitable<void> TestClockFollower::run() {
  spdlog::warn("event=test_clock_enabled key={} note=\"for tests only: the daemon's time "
               "follows this Redis key\"",
               kTestClockOffsetKey);
  asio::steady_timer timer(executor_);
  while (!stopping_) {
    redis::Command read{"GET", std::string(kTestClockOffsetKey)};
    // Absent (or not a string): the clock stays where it is.
    auto reply = redis::decode<std::string>(co_await redis_.exec(std::move(read)));
    if (reply) {
      const std::chrono::milliseconds offset(std::strtoll(reply->c_str(), nullptr, 10));
      if (offset != clock_.offset()) {
        clock_.set_offset(offset);
        spdlog::info("event=test_clock_moved offset_ms={}", offset.count());
        if (on_moved_) on_moved_();
      }
    }
    timer.expires_after(std::chrono::milliseconds(50));
    boost::system::error_code ignored;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
  }
}

void TestClockFollower::stop() { stopping_ = true; }

}  // namespace tocsin::app
