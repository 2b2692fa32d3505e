#include "redis/asio_adapter.h"

#include <boost/asio/posix/stream_descriptor.hpp>

#include <memory>

namespace tocsin::redis {
namespace {

namespace asio = boost::asio;

// One per context. hiredis holds a raw pointer to it (ac->ev.data); it keeps itself alive
// through self_ until hiredis calls cleanup, and every pending wait holds a shared_ptr, so
// a wait that completes after the context is gone finds a live watcher with ac_ == nullptr
// instead of freed memory.
class Watcher : public std::enable_shared_from_this<Watcher> {
 public:
  Watcher(redisAsyncContext* ac, const asio::any_io_executor& executor,
          std::function<void()> on_cleanup)
      : ac_(ac), socket_(executor, ac->c.fd), on_cleanup_(std::move(on_cleanup)) {}

  void keep_alive() { self_ = shared_from_this(); }

  static void add_read(void* data) { static_cast<Watcher*>(data)->add(true); }
  static void del_read(void* data) { static_cast<Watcher*>(data)->read_.wanted = false; }
  static void add_write(void* data) { static_cast<Watcher*>(data)->add(false); }
  static void del_write(void* data) { static_cast<Watcher*>(data)->write_.wanted = false; }
  static void cleanup(void* data) { static_cast<Watcher*>(data)->cleanup(); }

 private:
  struct Direction {
    bool wanted = false;     // hiredis asked for this readiness and has not withdrawn it
    bool in_flight = false;  // an async_wait is pending (it cannot be cancelled alone)
  };

  Direction& direction(bool reading) { return reading ? read_ : write_; }

  void add(bool reading) {
    Direction& state = direction(reading);
    state.wanted = true;
    if (!state.in_flight) wait(reading);
  }

  void wait(bool reading) {
    direction(reading).in_flight = true;
    socket_.async_wait(reading ? asio::posix::stream_descriptor::wait_read
                               : asio::posix::stream_descriptor::wait_write,
                       [self = shared_from_this(), reading](const boost::system::error_code& ec) {
                         Direction& state = self->direction(reading);
                         state.in_flight = false;
                         // The context may have been freed while this wait was queued: ac_ tells.
                         if (ec || self->ac_ == nullptr || !state.wanted) return;
                         if (reading) {
                           redisAsyncHandleRead(self->ac_);
                         } else {
                           redisAsyncHandleWrite(self->ac_);
                         }
                         // hiredis re-arms through add_read/add_write as it needs; if it freed the
                         // context inside the call, cleanup() has run and ac_ is null, so nothing
                         // here may touch it.
                       });
  }

  void cleanup() {
    ac_ = nullptr;
    read_.wanted = write_.wanted = false;
    // hiredis closes the fd itself after this returns: give it back without closing, and
    // take it out of the reactor first (release() also aborts the pending waits).
    boost::system::error_code ignored;
    socket_.cancel(ignored);
    socket_.release();
    auto on_cleanup = std::move(on_cleanup_);
    auto self = std::move(self_);  // may be the last owner: keep alive to the end
    if (on_cleanup) on_cleanup();
  }

  redisAsyncContext* ac_;
  asio::posix::stream_descriptor socket_;
  std::function<void()> on_cleanup_;
  Direction read_;
  Direction write_;
  std::shared_ptr<Watcher> self_;
};

}  // namespace

bool attach_to_asio(redisAsyncContext* ac, const asio::any_io_executor& executor,
                    std::function<void()> on_cleanup) {
  if (ac->ev.data != nullptr) return false;
  auto watcher = std::make_shared<Watcher>(ac, executor, std::move(on_cleanup));
  watcher->keep_alive();
  ac->ev.data = watcher.get();
  ac->ev.addRead = &Watcher::add_read;
  ac->ev.delRead = &Watcher::del_read;
  ac->ev.addWrite = &Watcher::add_write;
  ac->ev.delWrite = &Watcher::del_write;
  ac->ev.cleanup = &Watcher::cleanup;
  return true;
}

}  // namespace tocsin::redis
