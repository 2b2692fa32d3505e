#pragma once
// The PendingCall implementations that turn hiredis replies into completions of Asio
// operations (the client's async_send and async_send_all): one reply, or a pipeline's
// replies in order.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/post.hpp>

#include <memory>
#include <system_error>
#include <vector>

#include "redis/connection.h"
#include "redis/hiredis_reply.h"
#include "redis/reply.h"
#include "util/result.h"

namespace tocsin::redis {

// Hands a reply (or the error) to whoever awaits it. Called from inside hiredis, so the
// handler is posted, never invoked here: it would resume a coroutine that may call back
// into hiredis.
template <class Handler>
class SingleCall : public PendingCall {
 public:
  SingleCall(Handler handler, const boost::asio::any_io_executor& fallback)
      : handler_(std::move(handler)),
        executor_(boost::asio::get_associated_executor(handler_, fallback)) {}

  void complete(const redisReply* reply, std::error_code error) override {
    Result<Reply> result = reply != nullptr ? Result<Reply>(copy_reply(*reply)) : error;
    boost::asio::post(executor_,
                      [handler = std::move(handler_), result = std::move(result)]() mutable {
                        handler(std::move(result));
                      });
  }

 private:
  Handler handler_;
  boost::asio::associated_executor_t<Handler, boost::asio::any_io_executor> executor_;
};

// Collects the replies of a pipeline and completes once, when the last one is in.
template <class Handler>
class PipelineState {
 public:
  PipelineState(Handler handler, const boost::asio::any_io_executor& fallback, size_t size)
      : handler_(std::move(handler)),
        executor_(boost::asio::get_associated_executor(handler_, fallback)),
        replies_(size),
        remaining_(size) {}

  void complete(size_t index, const redisReply* reply, std::error_code error) {
    if (reply != nullptr) {
      replies_[index] = copy_reply(*reply);
    } else if (!error_) {
      error_ = error;
    }
    if (--remaining_ == 0) finish();
  }

  void finish() {
    Result<std::vector<Reply>> result =
        error_ ? Result<std::vector<Reply>>(error_) : std::move(replies_);
    boost::asio::post(executor_,
                      [handler = std::move(handler_), result = std::move(result)]() mutable {
                        handler(std::move(result));
                      });
  }

 private:
  Handler handler_;
  boost::asio::associated_executor_t<Handler, boost::asio::any_io_executor> executor_;
  std::vector<Reply> replies_;
  size_t remaining_;
  std::error_code error_;
};

template <class Handler>
class PipelineCall : public PendingCall {
 public:
  PipelineCall(std::shared_ptr<PipelineState<Handler>> state, size_t index)
      : state_(std::move(state)), index_(index) {}
  void complete(const redisReply* reply, std::error_code error) override {
    state_->complete(index_, reply, error);
  }

 private:
  std::shared_ptr<PipelineState<Handler>> state_;
  size_t index_;
};

}  // namespace tocsin::redis
