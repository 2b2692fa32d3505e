#include "redis/connection.h"

#include "redis/asio_adapter.h"
#include "redis/command_format.h"
#include "redis/errors.h"

namespace tocsin::redis {
namespace {

// The largest command buffer kept between calls (see send).
constexpr size_t kKeptFormatBytes = 256 * 1024;

}  // namespace

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
  // hiredis copies the bytes into its output buffer: one buffer serves every command.
  format_command(argv, &formatted_);
  PendingCall* raw = call.release();
  const int status = redisAsyncFormattedCommand(ac_, &Connection::on_reply, raw, formatted_.data(),
                                                formatted_.size());
  // A rare large command (an import batch) does not pin its buffer for the connection's life.
  if (formatted_.capacity() > kKeptFormatBytes) std::string().swap(formatted_);
  if (status != REDIS_OK) {
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
