#include "redis/connection.h"

#include "redis/asio_adapter.h"
#include "redis/errors.h"

namespace tocsin::redis {

std::shared_ptr<Connection> Connection::open(const boost::asio::any_io_executor& executor,
                                             const Endpoint& endpoint,
                                             std::function<void()> on_change) {
  std::shared_ptr<Connection> conn(new Connection());
  conn->pending_error_ = Errc::connection_lost;
  redisAsyncContext* ac = endpoint.is_unix()
                              ? redisAsyncConnectUnix(endpoint.unix_path.c_str())
                              : redisAsyncConnect(endpoint.host.c_str(), endpoint.port);
  if (ac == nullptr) {
    conn->state_ = State::closed;
    conn->close_reason_ = "cannot allocate a hiredis context";
    return conn;
  }
  if (ac->err != 0) {
    conn->state_ = State::closed;
    conn->close_reason_ = ac->errstr;
    redisAsyncFree(ac);
    return conn;
  }
  conn->ac_ = ac;
  ac->data = conn.get();
  // The context never outlives the Connection (~Connection frees it), so a raw pointer
  // is safe here.
  attach_to_asio(ac, executor, [raw = conn.get()] { raw->on_freed(); });
  // Must come after the hooks: setting it asks for the first write event, which is how
  // hiredis learns that the non-blocking connect finished.
  redisAsyncSetConnectCallback(ac, &Connection::on_connect);
  conn->on_change_ = std::move(on_change);
  return conn;
}

Connection::~Connection() {
  closing_ = true;
  if (ac_ != nullptr) redisAsyncFree(ac_);
}

void Connection::on_connect(const redisAsyncContext* ac, int status) {
  auto* self = static_cast<Connection*>(ac->data);
  // On failure hiredis frees the context right after this; on_freed() reports it.
  if (status != REDIS_OK) return;
  self->state_ = State::connected;
  if (self->on_change_) self->on_change_();
}

void Connection::on_reply(redisAsyncContext* ac, void* reply, void* privdata) {
  std::unique_ptr<PendingCall> call(static_cast<PendingCall*>(privdata));
  auto* self = static_cast<Connection*>(ac->data);
  // hiredis passes a null reply for every pending command when the context goes away.
  if (reply == nullptr) {
    call->complete(nullptr, self->pending_error_);
  } else {
    ++self->replies_;
    call->complete(static_cast<redisReply*>(reply), {});
  }
}

// Called by the adapter's cleanup hook: hiredis is about to free ac_, for whatever reason.
void Connection::on_freed() {
  if (close_reason_.empty()) {
    close_reason_ = ac_->c.err != 0 ? ac_->c.errstr : "connection closed";
  }
  ac_ = nullptr;
  state_ = State::closed;
  if (!closing_ && on_change_) on_change_();
}

void Connection::send(const std::vector<std::string>& argv, std::unique_ptr<PendingCall> call) {
  if (ac_ == nullptr) {
    call->complete(nullptr, Errc::not_connected);
    return;
  }
  std::vector<const char*> args;
  std::vector<size_t> lengths;
  args.reserve(argv.size());
  lengths.reserve(argv.size());
  for (const auto& arg : argv) {
    args.push_back(arg.data());
    lengths.push_back(arg.size());
  }
  PendingCall* raw = call.release();
  if (redisAsyncCommandArgv(ac_, &Connection::on_reply, raw, static_cast<int>(args.size()),
                            args.data(), lengths.data()) != REDIS_OK) {
    // Refused (the context is shutting down): hiredis did not take the callback.
    std::unique_ptr<PendingCall> refused(raw);
    refused->complete(nullptr, Errc::not_connected);
  }
}

void Connection::close(std::string reason, std::error_code pending_error) {
  if (ac_ == nullptr) return;
  close_reason_ = std::move(reason);
  pending_error_ = pending_error;
  closing_ = true;
  redisAsyncFree(ac_);  // runs pending callbacks, then on_freed()
  closing_ = false;
}

}  // namespace tocsin::redis
