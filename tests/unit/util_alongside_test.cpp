// Alongside (util/alongside.h): the task runs while its starter goes on, its result (or
// exception) is given when asked, and a task that is done before it is asked for, or that
// outlives its starter, is handled too. Timers stand in for round trips; no sockets.

#include "util/alongside.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

namespace tocsin {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

asio::awaitable<void> pause(std::chrono::milliseconds duration) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  timer.expires_after(duration);
  co_await timer.async_wait(asio::use_awaitable);
}

// Waits `duration`, notes `name` in `log`, returns it.
asio::awaitable<std::string> step(std::string name, std::chrono::milliseconds duration,
                                  std::vector<std::string>* log) {
  co_await pause(duration);
  log->push_back(name);
  co_return name;
}

asio::awaitable<int> failing() {
  co_await pause(1ms);
  throw std::runtime_error("refused");
}

// Runs `test` to its end on a fresh io_context.
template <typename Test>
void run(Test test) {
  asio::io_context io;
  bool finished = false;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        co_await test(io.get_executor());
        finished = true;
      },
      [](std::exception_ptr error) {
        if (error) std::rethrow_exception(error);
      });
  io.run();
  EXPECT_TRUE(finished);
}

TEST(Alongside, TheTaskRunsWhileItsStarterGoesOn) {
  std::vector<std::string> log;
  run([&](asio::any_io_executor executor) -> asio::awaitable<void> {
    Alongside<std::string> task(executor, step("alongside", 20ms, &log));
    co_await step("starter", 80ms, &log);
    EXPECT_EQ(co_await task.result(), "alongside");
  });
  // Done while the starter waited, not when asked for after it.
  EXPECT_EQ(log, (std::vector<std::string>{"alongside", "starter"}));
}

TEST(Alongside, AResultReadyBeforeItIsAskedForIsGivenAtOnce) {
  std::vector<std::string> log;
  run([&](asio::any_io_executor executor) -> asio::awaitable<void> {
    Alongside<std::string> quick(executor, step("quick", 1ms, &log));
    co_await step("starter", 30ms, &log);
    EXPECT_EQ(log, (std::vector<std::string>{"quick", "starter"}));
    EXPECT_EQ(co_await quick.result(), "quick");
  });
}

TEST(Alongside, TheTasksExceptionIsRethrownToTheOneWhoAsks) {
  run([&](asio::any_io_executor executor) -> asio::awaitable<void> {
    Alongside<int> refused(executor, failing());
    bool thrown = false;
    try {
      co_await refused.result();
    } catch (const std::runtime_error& error) {
      thrown = std::string(error.what()) == "refused";
    }
    EXPECT_TRUE(thrown);
  });
}

TEST(Alongside, ATaskWhoseStarterDidNotWaitRunsToItsEnd) {
  std::vector<std::string> log;
  run([&](asio::any_io_executor executor) -> asio::awaitable<void> {
    Alongside<std::string> left(executor, step("left", 20ms, &log));
    co_return;  // the io_context runs until the task is done
  });
  EXPECT_EQ(log, (std::vector<std::string>{"left"}));
}

}  // namespace
}  // namespace tocsin
