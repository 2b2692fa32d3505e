#pragma once
// One hiredis connection, from the non-blocking connect to its end, driven by the Asio loop.
// The Client makes a new one for every (re)connection attempt and owns it; everything runs
// on the client's executor thread.

#include <hiredis/async.h>

#include <boost/asio/any_io_executor.hpp>

#include <functional>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "redis/url.h"

namespace tocsin::redis {

// A command waiting for its reply. complete() is called exactly once, often from inside a
// hiredis callback: implementations copy what they need and post the rest to the event
// loop, never resume a caller or call into hiredis directly.
class PendingCall {
 public:
  virtual ~PendingCall() = default;
  // `reply` is null when no reply will come; `error` then says why.
  virtual void complete(const redisReply* reply, std::error_code error) = 0;
};

class Connection {
 public:
  enum class State { connecting, connected, closed };

  // Starts connecting. Never null: an immediate failure gives a closed connection with
  // its reason. `on_change` runs when hiredis reports the connect or the loss (from inside
  // hiredis: it must only note the change), not when close() is called.
  static std::shared_ptr<Connection> open(const boost::asio::any_io_executor& executor,
                                          const Endpoint& endpoint,
                                          std::function<void()> on_change);
  ~Connection();  // closes; pending calls fail with the close error
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  State state() const { return state_; }
  // Replies received so far: a connection busy with long commands is still making
  // progress, which tells it apart from a dead one.
  uint64_t replies() const { return replies_; }
  // Why the connection closed, safe to log (never holds command arguments).
  const std::string& close_reason() const { return close_reason_; }

  // Queues a command (hiredis pipelines whatever is queued). Always takes the call: when
  // the connection is closed, it completes at once with Errc::not_connected.
  void send(const std::vector<std::string>& argv, std::unique_ptr<PendingCall> call);

  // Frees the hiredis context now; pending calls complete with `pending_error`. Does
  // nothing when already closed. Not for use inside a hiredis callback.
  void close(std::string reason, std::error_code pending_error);

 private:
  Connection() = default;
  static void on_connect(const redisAsyncContext* ac, int status);
  static void on_reply(redisAsyncContext* ac, void* reply, void* privdata);
  void on_freed();

  redisAsyncContext* ac_ = nullptr;
  State state_ = State::connecting;
  std::string close_reason_;
  std::error_code pending_error_;
  uint64_t replies_ = 0;
  bool closing_ = false;  // inside close(): no on_change for a close we asked for
  std::function<void()> on_change_;
  // The command being handed to hiredis (command_format.h), kept between calls for its
  // capacity.
  std::string formatted_;
};

}  // namespace tocsin::redis
