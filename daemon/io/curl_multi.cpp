#include "io/curl_multi.h"

#include <curl/curl.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <optional>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "io/curl_transfer.h"

namespace tocsin::io {
namespace {

namespace asio = boost::asio;
using adapters::GatewayResponse;
using Clock = std::chrono::steady_clock;

// curl_global_init is not thread-safe and must run once before any other libcurl call; a
// function-local static is initialised exactly once, whichever thread gets here first.
void init_libcurl_once() {
  static const CURLcode result = curl_global_init(CURL_GLOBAL_DEFAULT);
  if (result != CURLE_OK) {
    throw std::runtime_error(std::string("curl_global_init: ") + curl_easy_strerror(result));
  }
}

// Hands the response to whoever awaits it. Never called from inside our handling of
// libcurl's callbacks (the resumed coroutine may start another transfer): CurlMulti
// collects the responses of a turn and delivers them all from one posted handler.
class Completion {
 public:
  virtual ~Completion() = default;
  virtual void invoke(GatewayResponse response) = 0;
};

template <class Handler>
class HandlerCompletion final : public Completion {
 public:
  HandlerCompletion(Handler handler, const asio::any_io_executor& fallback)
      : handler_(std::move(handler)),
        executor_(asio::get_associated_executor(handler_, fallback)) {}

  // On the handler's executor: inline when that is the loop we run on (the daemon's
  // coroutines), posted to it otherwise.
  void invoke(GatewayResponse response) override {
    asio::dispatch(executor_,
                   [handler = std::move(handler_), response = std::move(response)]() mutable {
                     handler(std::move(response));
                   });
  }

 private:
  Handler handler_;
  asio::associated_executor_t<Handler, asio::any_io_executor> executor_;
};

// One socket libcurl asked us to watch. A pending wait holds a shared_ptr to it, so a wait
// that completes after libcurl dropped the socket finds `released` set rather than freed
// memory.
struct SocketWatch {
  explicit SocketWatch(const asio::any_io_executor& executor) : descriptor(executor) {}
  // The fd is libcurl's: it closes it. Never let the descriptor close it.
  ~SocketWatch() { descriptor.release(); }

  asio::posix::stream_descriptor descriptor;
  bool want_read = false;  // what libcurl asked for last
  bool want_write = false;
  bool reading = false;  // an async_wait is pending (one direction cannot be cancelled alone)
  bool writing = false;
  bool released = false;
  // Opened by our open_socket, so close_socket tells us when it closes: the watch can stay
  // registered while libcurl keeps the connection idle in its cache (see on_socket).
  bool ours = false;
};

}  // namespace

struct CurlMulti::Impl : std::enable_shared_from_this<Impl> {
  Impl(asio::any_io_executor executor, Options options)
      : executor_(std::move(executor)),
        options_(options),
        timer_(executor_),
        answer_timer_(executor_) {
    init_libcurl_once();
    multi_ = curl_multi_init();
    if (multi_ == nullptr) throw std::runtime_error("curl_multi_init failed");
    curl_multi_setopt(multi_, CURLMOPT_SOCKETFUNCTION, &Impl::on_socket);
    curl_multi_setopt(multi_, CURLMOPT_SOCKETDATA, this);
    curl_multi_setopt(multi_, CURLMOPT_TIMERFUNCTION, &Impl::on_timer);
    curl_multi_setopt(multi_, CURLMOPT_TIMERDATA, this);
    curl_multi_setopt(multi_, CURLMOPT_MAX_HOST_CONNECTIONS, options_.max_host_connections);
    curl_multi_setopt(multi_, CURLMOPT_MAX_TOTAL_CONNECTIONS, options_.max_total_connections);
    curl_multi_setopt(multi_, CURLMOPT_MAXCONNECTS, options_.max_cached_connections);
  }

  ~Impl() { shutdown(); }

  // The coroutine behind both execute() overloads. It holds the Impl, so an awaiter that
  // resumes after the CurlMulti is gone touches nothing freed.
  static asio::awaitable<GatewayResponse> perform(std::shared_ptr<Impl> self,
                                                  std::unique_ptr<CurlTransfer> transfer) {
    co_return co_await asio::async_initiate<const asio::use_awaitable_t<>&, void(GatewayResponse)>(
        [&self, &transfer](auto handler) {
          using Handler = decltype(handler);
          self->start(std::move(transfer), std::make_unique<HandlerCompletion<Handler>>(
                                               std::move(handler), self->executor_));
        },
        asio::use_awaitable);
  }

  void start(std::unique_ptr<CurlTransfer> transfer, std::unique_ptr<Completion> completion) {
    if (multi_ == nullptr) {
      deliver(std::move(completion),
              failed_response(CURLE_ABORTED_BY_CALLBACK, "the client is shut down"));
      return;
    }
    if (transfer->easy == nullptr) {
      deliver(std::move(completion), failed_response(CURLE_OUT_OF_MEMORY, "curl_easy_init failed"));
      return;
    }
    CURL* easy = transfer->easy;
    transfer->owner = this;
    // Set once per handle setup: a reused transfer keeps them (the answer timeout is part of
    // its shape).
    if (!transfer->multi_hooks_set) {
      transfer->multi_hooks_set = true;
      // Every HTTP write is stamped (the rate window counts from it); the answer's deadline
      // is armed from it when there is one.
      if (!transfer->smtp) {
        curl_easy_setopt(easy, CURLOPT_PREREQFUNCTION, &Impl::on_request_ready);
        curl_easy_setopt(easy, CURLOPT_PREREQDATA, transfer.get());
      }
      // The socket hooks point at us, not at the transfer: libcurl keeps them with the
      // connection, which outlives the transfer in the connection cache.
      curl_easy_setopt(easy, CURLOPT_OPENSOCKETFUNCTION, &Impl::open_socket);
      curl_easy_setopt(easy, CURLOPT_OPENSOCKETDATA, this);
      curl_easy_setopt(easy, CURLOPT_CLOSESOCKETFUNCTION, &Impl::close_socket);
      curl_easy_setopt(easy, CURLOPT_CLOSESOCKETDATA, this);
    }
    if (CURLMcode code = curl_multi_add_handle(multi_, easy); code != CURLM_OK) {
      deliver(std::move(completion), failed_response(CURLE_FAILED_INIT, curl_multi_strerror(code)));
      return;
    }
    ++transfers_started_;
    transfers_.emplace(easy, Pending{std::move(transfer), std::move(completion)});
  }

  void shutdown() {
    if (multi_ == nullptr) return;
    auto pending = std::move(transfers_);
    transfers_.clear();
    for (auto& [easy, transfer] : pending) {
      curl_multi_remove_handle(multi_, easy);
      deliver(std::move(transfer.completion),
              failed_response(CURLE_ABORTED_BY_CALLBACK, "aborted: the client was shut down"));
    }
    // Closes the cached connections; close_socket() lets go of their watches.
    curl_multi_cleanup(multi_);
    multi_ = nullptr;
    idle_.clear();
    for (auto& [fd, watch] : sockets_) release(*watch);
    sockets_.clear();
    our_sockets_.clear();
    timer_.cancel();
    timer_armed_ = false;
    deadline_.reset();
    answer_deadlines_.clear();
    answer_timer_.cancel();
    answer_timer_armed_ = false;
  }

  // --- the provider's time to answer ----------------------------------------------------
  // libcurl's CURLOPT_TIMEOUT counts from when a transfer is added, so time spent
  // connecting (or waiting for a connection) would be taken from the provider's time to
  // answer, and a request written just before its timeout would be given up while the
  // provider takes it: sent again, a duplicate SMS. So the answer's deadline starts when
  // libcurl is about to write the request (PREREQ), kept here per transfer; libcurl's own
  // timeout (connect + answer) only bounds the whole.

  static int on_request_ready(void* clientp, char* /*primary_ip*/, char* /*local_ip*/,
                              int /*primary_port*/, int /*local_port*/) {
    auto* transfer = static_cast<CurlTransfer*>(clientp);
    auto* self = static_cast<Impl*>(transfer->owner);
    // Called again when libcurl resends on a fresh connection: the new write counts.
    const auto written = Clock::now();
    transfer->response.written_at = written;
    if (transfer->answer_timeout.count() > 0) {
      const auto due = written + transfer->answer_timeout;
      self->answer_deadlines_[transfer->easy] = due;
      self->arm_answer_timer(due);
    }
    return CURL_PREREQFUNC_OK;
  }

  // With no request waiting for an answer, no timer either, so that an idle client holds
  // no work and io_context::run() can return.
  void forget_answer_deadline(CURL* easy) {
    answer_deadlines_.erase(easy);
    if (answer_deadlines_.empty() && answer_timer_armed_) {
      answer_timer_armed_ = false;
      answer_timer_.cancel();
    }
  }

  void arm_answer_timer(Clock::time_point due) {
    if (answer_timer_armed_ && answer_timer_due_ <= due) return;
    answer_timer_armed_ = true;
    answer_timer_due_ = due;
    answer_timer_.expires_at(due);
    answer_timer_.async_wait([weak = weak_from_this(), generation = ++answer_timer_generation_](
                                 const boost::system::error_code& ec) {
      if (ec == asio::error::operation_aborted) return;
      auto self = weak.lock();
      if (!self || generation != self->answer_timer_generation_) return;
      self->answer_timer_armed_ = false;
      self->expire_unanswered();
    });
  }

  // Ends the transfers whose provider has not answered in time, then waits for the next
  // deadline. A few hundred transfers at most are in flight: a scan is cheap, and runs
  // only when a deadline is due.
  void expire_unanswered() {
    if (multi_ == nullptr) return;
    const auto now = Clock::now();
    std::vector<CURL*> expired;
    std::optional<Clock::time_point> next;
    for (const auto& [easy, due] : answer_deadlines_) {
      if (due <= now) {
        expired.push_back(easy);
      } else if (!next || due < *next) {
        next = due;
      }
    }
    for (CURL* easy : expired) {
      forget_answer_deadline(easy);
      auto it = transfers_.find(easy);
      if (it == transfers_.end()) continue;
      Pending done = std::move(it->second);
      transfers_.erase(it);
      curl_multi_remove_handle(multi_, easy);  // libcurl closes that connection
      done.transfer->answer_timed_out = true;
      deliver(std::move(done.completion),
              finish_response(*done.transfer, CURLE_OPERATION_TIMEDOUT));
    }
    if (next) arm_answer_timer(*next);
  }

  // --- libcurl's hooks ----------------------------------------------------------------
  // They run inside libcurl calls: they only record and arm waits, never call back in.

  static int on_socket(CURL* /*easy*/, curl_socket_t fd, int what, void* userp, void* /*socketp*/) {
    auto* self = static_cast<Impl*>(userp);
    if (what == CURL_POLL_REMOVE) {
      // libcurl says this at the end of every transfer, also when the connection stays
      // open in its cache for the next one. Taking the socket out of the reactor and
      // putting it back for the next request cost three epoll_ctl and an ioctl per
      // request; a socket of ours stays registered, with nothing wanted, until
      // close_socket. Others (none today: a resolver's socketpair would be one) are closed
      // without telling us, so they are let go now.
      if (auto it = self->sockets_.find(fd); it != self->sockets_.end()) {
        if (it->second->ours) {
          it->second->want_read = it->second->want_write = false;
        } else {
          self->forget(fd);
        }
      }
      return 0;
    }
    auto& watch = self->sockets_[fd];
    if (!watch) {
      watch = std::make_shared<SocketWatch>(self->executor_);
      boost::system::error_code error;
      watch->descriptor.assign(fd, error);
      if (error) {
        spdlog::error("event=curl_socket_watch_failed fd={} error={}", fd, error.message());
        self->sockets_.erase(fd);
        return -1;  // libcurl fails the transfers on this socket
      }
      watch->ours = self->our_sockets_.contains(fd);
    }
    watch->want_read = (what & CURL_POLL_IN) != 0;
    watch->want_write = (what & CURL_POLL_OUT) != 0;
    self->arm(watch, fd);
    return 0;
  }

  // libcurl reports its next deadline after nearly every change, at least once per
  // request, and tells us only when it changes. Re-arming an Asio timer each time costs a
  // cancelled handler and, whenever it becomes the reactor's earliest timer, a
  // timerfd_settime: a quarter of the client's time at 10,000 requests/s (perf). So:
  //   - "at once" (0) is a timer due now, as before, but one already armed for an earlier
  //     time serves (the requests started in one turn of the loop share one timer);
  //   - a later deadline leaves an earlier armed timer as it is: when that fires, it finds
  //     the deadline libcurl last reported still ahead and waits on for it.
  // "No deadline" (-1, nothing in flight) cancels the timer, so that an idle client holds no
  // work and io_context::run() can return.
  static int on_timer(CURLM* /*multi*/, long timeout_ms, void* userp) {
    auto* self = static_cast<Impl*>(userp);
    // libcurl must not be called from here: the timer calls it from the event loop.
    if (timeout_ms < 0) {
      self->deadline_.reset();
      self->timer_armed_ = false;
      self->timer_.cancel();
    } else if (timeout_ms == 0) {
      self->deadline_ = Clock::now();
      self->arm_timer(*self->deadline_);
    } else {
      // A millisecond late rather than early: libcurl rounds its figure down, and a
      // deadline found not yet due is not reported again.
      self->deadline_ = Clock::now() + std::chrono::milliseconds(timeout_ms + 1);
      self->arm_timer(*self->deadline_);
    }
    return 0;
  }

  void arm_timer(Clock::time_point due) {
    if (timer_armed_ && timer_due_ <= due) return;
    timer_armed_ = true;
    timer_due_ = due;
    timer_.expires_at(due);
    timer_.async_wait([weak = weak_from_this(),
                       generation = ++timer_generation_](const boost::system::error_code& ec) {
      // Aborted: re-armed for an earlier time (that wait is pending), idle, or shut down.
      if (ec == asio::error::operation_aborted) return;
      auto self = weak.lock();
      // A wait replaced after it had already fired: the one that replaced it is due no
      // later and is pending.
      if (!self || generation != self->timer_generation_) return;
      self->timer_armed_ = false;
      if (!self->deadline_) return;
      if (*self->deadline_ > Clock::now()) {
        self->arm_timer(*self->deadline_);
        return;
      }
      self->deadline_.reset();
      self->act(CURL_SOCKET_TIMEOUT, 0);
    });
  }

  // Opening the socket ourselves lets us count connections and mark them close-on-exec
  // (libcurl does not), so a child process never inherits a provider connection.
  static curl_socket_t open_socket(void* clientp, curlsocktype /*purpose*/,
                                   curl_sockaddr* address) {
    auto* self = static_cast<Impl*>(clientp);
    const int fd = ::socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
    if (fd < 0) return CURL_SOCKET_BAD;
    ++self->connections_opened_;
    self->our_sockets_.insert(fd);
    return fd;
  }

  // libcurl usually says CURL_POLL_REMOVE before closing a socket, but not on every path
  // (a cached connection pruned by another handle): a watch left on a closed fd would
  // wait forever on the next socket given the same number.
  static int close_socket(void* clientp, curl_socket_t fd) {
    auto* self = static_cast<Impl*>(clientp);
    self->forget(fd);
    self->our_sockets_.erase(fd);
    return ::close(fd);
  }

  // --- the event loop's side ------------------------------------------------------------

  void forget(curl_socket_t fd) {
    if (auto it = sockets_.find(fd); it != sockets_.end()) {
      release(*it->second);
      sockets_.erase(it);
    }
  }

  static void release(SocketWatch& watch) {
    watch.released = true;
    watch.want_read = watch.want_write = false;
    watch.descriptor.release();  // takes it out of the reactor and aborts its waits
  }

  void arm(const std::shared_ptr<SocketWatch>& watch, curl_socket_t fd) {
    if (watch->want_read && !watch->reading) wait(watch, fd, true);
    if (watch->want_write && !watch->writing) wait(watch, fd, false);
  }

  void wait(const std::shared_ptr<SocketWatch>& watch, curl_socket_t fd, bool reading) {
    (reading ? watch->reading : watch->writing) = true;
    watch->descriptor.async_wait(
        reading ? asio::posix::stream_descriptor::wait_read
                : asio::posix::stream_descriptor::wait_write,
        [weak = weak_from_this(), watch, fd, reading](const boost::system::error_code& ec) {
          (reading ? watch->reading : watch->writing) = false;
          if (watch->released) return;
          auto self = weak.lock();
          if (!self) return;
          if (ec) {
            self->act(fd, CURL_CSELECT_ERR);
          } else if (reading ? watch->want_read : watch->want_write) {
            self->act(fd, reading ? CURL_CSELECT_IN : CURL_CSELECT_OUT);
          }
          // libcurl may have changed what it wants, or dropped the socket, meanwhile.
          if (!watch->released) self->arm(watch, fd);
        });
  }

  void act(curl_socket_t fd, int events) {
    if (multi_ == nullptr) return;
    int running = 0;
    curl_multi_socket_action(multi_, fd, events, &running);
    complete_finished();
  }

  void complete_finished() {
    int left = 0;
    while (CURLMsg* message = curl_multi_info_read(multi_, &left)) {
      if (message->msg != CURLMSG_DONE) continue;
      // The message is freed by curl_multi_remove_handle: copy what we need first.
      CURL* easy = message->easy_handle;
      const CURLcode result = message->data.result;
      auto it = transfers_.find(easy);
      if (it == transfers_.end()) continue;
      Pending done = std::move(it->second);
      transfers_.erase(it);
      forget_answer_deadline(easy);
      curl_multi_remove_handle(multi_, easy);
      deliver(std::move(done.completion), finish_response(*done.transfer, result));
      // SMTP handles carry a whole conversation's settings and are few: only HTTP ones are
      // kept for reuse, with their options (see make_http_transfer).
      if (!done.transfer->smtp && idle_.size() < kMaxIdleTransfers) {
        idle_.push_back(std::move(done.transfer));
      }
    }
  }

  // A finished HTTP transfer for a request to `url`: one last used for that URL when there
  // is one (most likely set up for the same request shape), else any, else null (a new one
  // is made).
  std::unique_ptr<CurlTransfer> take_idle(const std::string& url) {
    if (idle_.empty()) return nullptr;
    auto it = std::find_if(idle_.rbegin(), idle_.rend(), [&](const auto& transfer) {
      return transfer->http_shape && transfer->http_shape->url == url;
    });
    auto& chosen = it != idle_.rend() ? *it : idle_.back();
    auto transfer = std::move(chosen);
    chosen = std::move(idle_.back());
    idle_.pop_back();
    return transfer;
  }

  // Responses are handed over from a posted handler, never from here: this may run inside
  // our handling of libcurl's callbacks. Those of one turn of the loop share one post.
  void deliver(std::unique_ptr<Completion> completion, GatewayResponse response) {
    auto self = weak_from_this().lock();
    if (!self) {  // being destroyed (shutdown from ~Impl): on its own
      asio::post(executor_,
                 [completion = std::move(completion), response = std::move(response)]() mutable {
                   completion->invoke(std::move(response));
                 });
      return;
    }
    delivered_.push_back(Delivery{std::move(completion), std::move(response)});
    if (delivered_.size() > 1) return;  // a delivery is already posted
    asio::post(executor_, [self = std::move(self)] {
      auto batch = std::move(self->delivered_);
      self->delivered_.clear();
      for (Delivery& delivery : batch) delivery.completion->invoke(std::move(delivery.response));
    });
  }

  struct Pending {
    std::unique_ptr<CurlTransfer> transfer;
    std::unique_ptr<Completion> completion;
  };
  struct Delivery {
    std::unique_ptr<Completion> completion;
    GatewayResponse response;
  };

  asio::any_io_executor executor_;
  Options options_;
  CURLM* multi_ = nullptr;
  asio::steady_timer timer_;
  bool timer_armed_ = false;  // a wait on timer_ is pending, due at timer_due_
  Clock::time_point timer_due_;
  uint64_t timer_generation_ = 0;              // of the latest wait, which alone may act
  std::optional<Clock::time_point> deadline_;  // libcurl's, as it last reported it
  std::unordered_map<curl_socket_t, std::shared_ptr<SocketWatch>> sockets_;
  std::unordered_set<curl_socket_t> our_sockets_;  // opened by open_socket, not yet closed
  std::unordered_map<CURL*, Pending> transfers_;
  // When each written request's answer is due (see on_request_ready).
  std::unordered_map<CURL*, Clock::time_point> answer_deadlines_;
  asio::steady_timer answer_timer_;
  bool answer_timer_armed_ = false;
  Clock::time_point answer_timer_due_;
  uint64_t answer_timer_generation_ = 0;
  // Finished HTTP transfers, their easy handles still set up, for the next ones: making and
  // freeing an easy handle and its 16 KiB receive buffer for every request cost a sixth of
  // the client's CPU (55 against 46 us a request, twilio_server_bench 0), and resetting
  // and setting up every option again for each request more. Enough for the requests in
  // flight of a busy blast.
  static constexpr size_t kMaxIdleTransfers = 256;
  std::vector<std::unique_ptr<CurlTransfer>> idle_;
  std::vector<Delivery> delivered_;  // responses waiting for their posted delivery
  uint64_t transfers_started_ = 0;
  uint64_t connections_opened_ = 0;
};

CurlMulti::CurlMulti(asio::any_io_executor executor, Options options)
    : impl_(std::make_shared<Impl>(std::move(executor), options)) {}

CurlMulti::~CurlMulti() {
  shutdown();
}

// Not coroutines themselves: the transfer is built and the Impl captured now, so the
// awaitable stays valid even if it is first awaited after this CurlMulti is gone.
asio::awaitable<GatewayResponse> CurlMulti::execute(adapters::HttpRequest request) {
  auto reused = impl_->take_idle(request.url);
  return Impl::perform(impl_,
                       make_http_transfer(std::move(request), impl_->options_, std::move(reused)));
}

asio::awaitable<GatewayResponse> CurlMulti::execute(adapters::SmtpEnvelope envelope) {
  return Impl::perform(impl_, make_smtp_transfer(std::move(envelope), impl_->options_));
}

void CurlMulti::shutdown() {
  impl_->shutdown();
}

uint64_t CurlMulti::transfers_started() const {
  return impl_->transfers_started_;
}
uint64_t CurlMulti::connections_opened() const {
  return impl_->connections_opened_;
}
size_t CurlMulti::transfers_in_flight() const {
  return impl_->transfers_.size();
}

}  // namespace tocsin::io
