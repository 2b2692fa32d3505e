#include "app/key_adoption.h"

#include <spdlog/spdlog.h>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <utility>

#include "redis/client.h"

namespace tocsin::app {
namespace asio = boost::asio;

struct KeyAdoption::Impl {
  Impl(asio::any_io_executor executor, redis::Client& redis, std::vector<KeyAdoptionStep> steps)
      : redis(redis),
        steps(std::move(steps)),
        retry(executor),
        finished(executor, asio::steady_timer::time_point::max()) {}

  redis::Client& redis;
  std::vector<KeyAdoptionStep> steps;
  size_t next = 0;  // the first step not yet succeeded
  asio::steady_timer retry;
  asio::steady_timer finished;  // cancelled when done or stopped: wakes wait()
  bool stopping = false;
  bool done = false;

  asio::awaitable<void> run() {
    while (!stopping && !done) {
      if (redis.connected()) {
        while (next < steps.size()) {
          auto moved = co_await steps[next].run(redis);
          if (!moved) {
            spdlog::warn("event=keys_adopt_failed part={} error={}", steps[next].name,
                         moved.error().message());
            break;
          }
          ++next;
        }
        done = next == steps.size();
      }
      if (done || stopping) break;
      retry.expires_after(std::chrono::milliseconds(500));
      boost::system::error_code ignored;
      co_await retry.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
    }
    finished.cancel();
  }
};

KeyAdoption::KeyAdoption(asio::any_io_executor executor, redis::Client& redis,
                         std::vector<KeyAdoptionStep> steps)
    : impl_(std::make_shared<Impl>(std::move(executor), redis, std::move(steps))) {}

KeyAdoption::~KeyAdoption() = default;

asio::awaitable<void> KeyAdoption::run() {
  auto self = impl_;
  co_await self->run();
}

void KeyAdoption::stop() {
  impl_->stopping = true;
  impl_->retry.cancel();
  impl_->finished.cancel();
}

bool KeyAdoption::done() const {
  return impl_->done;
}

asio::awaitable<void> KeyAdoption::wait() {
  auto self = impl_;
  while (!self->done && !self->stopping) {
    boost::system::error_code ignored;
    co_await self->finished.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
  }
}

}  // namespace tocsin::app
