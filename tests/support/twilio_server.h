#pragma once
// A Twilio-shaped SMS provider for integration tests and benchmarks (issue 5): it speaks
// POST /2010-04-01/Accounts/{sid}/Messages.json like Twilio (Basic auth, form fields, JSON
// answers with Twilio's error codes), records what it accepted, counts per second on its
// own side, and can be told at run time to throttle, fail, refuse opted-out numbers and
// landlines, or hang.
// Optionally it sends signed status callbacks, as Twilio does, from a background thread.
//
// Served by EpollHttpServer on 127.0.0.1 (port picked by the kernel), fast enough to be
// compared with wrk. Every setter and accessor is thread-safe.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <random>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/epoll_http_server.h"

namespace tocsin::testing {

struct TwilioServerOptions {
  std::string account_sid = "AC00000000000000000000000000000042";
  std::string auth_token = "twilio-test-token";
  // Keep each accepted message (counts are kept either way). Off for long benchmarks,
  // where a million recorded messages would only cost memory.
  bool record_messages = true;
  // Post "sent" then "delivered" to each accepted message's StatusCallback.
  bool send_status_callbacks = false;
};

class TwilioServer {
 public:
  enum class Mode {
    ok,            // answer normally
    fail_500,      // every message request gets 500 (code 20500)
    throttle_429,  // every message request gets 429 (code 20429) with Retry-After
    hang,          // read the request, never answer
  };

  struct Message {
    std::string sid;
    std::string to;
    std::string from;
    std::string messaging_service_sid;
    std::string body;
    std::string status_callback;
    std::string validity_period;  // as sent; "" when absent
    int segments = 1;             // GSM-7 or UCS-2 segments of body
    std::chrono::steady_clock::time_point arrived;
  };

  // A status callback this server posted, and what the receiver answered.
  struct Callback {
    std::string url;
    std::string message_sid;
    std::string status;    // "sent" | "delivered"
    long http_status = 0;  // 0 when the POST failed
  };

  explicit TwilioServer(TwilioServerOptions options = {});
  ~TwilioServer();
  TwilioServer(const TwilioServer&) = delete;
  TwilioServer& operator=(const TwilioServer&) = delete;

  uint16_t port() const { return http_->port(); }
  std::string base_url() const;  // "http://127.0.0.1:PORT"
  const std::string& account_sid() const { return options_.account_sid; }
  const std::string& auth_token() const { return options_.auth_token; }

  // Segments accepted per one-second window (windows start when the server does); beyond
  // it, requests get 429 code 20429 with Retry-After: 1 and count as rejected. 0 = none.
  void set_rate_limit(int segments_per_second);
  // retry_after_seconds is the Retry-After of Mode::throttle_429.
  void set_mode(Mode mode, int retry_after_seconds = 1);
  // Messages to these numbers get 400 code 21610 (opted out at the carrier).
  void set_opted_out(std::set<std::string> numbers);
  // Messages to these numbers get 400 code 21614 (a landline: not a mobile number), a
  // permanent failure.
  void set_landlines(std::set<std::string> numbers);
  void set_status_callbacks(bool on);
  // Answers each request after `latency` ± `jitter` (uniform), as a provider across the
  // internet does; the message is counted as accepted when it arrives, so a client that
  // gives up before the answer and sends again makes a duplicate here, as it would there.
  void set_latency(std::chrono::milliseconds latency,
                   std::chrono::milliseconds jitter = std::chrono::milliseconds(0));

  std::vector<Message> messages() const;  // accepted ones, in order (if recorded)
  uint64_t accepted() const;
  uint64_t accepted_segments() const;
  // Accepted messages and segments per one-second window since the server started.
  std::vector<uint64_t> messages_per_second() const;
  std::vector<uint64_t> segments_per_second() const;
  // The most segments accepted within any `window` (sliding, to the arrival times of the
  // recorded messages): what a provider measuring a rolling window would see.
  uint64_t max_segments_in_window(std::chrono::milliseconds window) const;
  // The longest wait between two accepted messages after `since` (from `since` to the first
  // one included): how long sending stopped after a failure at that moment.
  std::chrono::milliseconds longest_pause_after(std::chrono::steady_clock::time_point since) const;
  // Accepted messages per number (kept whether or not messages are recorded), and the
  // messages beyond the first to any number: what a member would count as duplicates.
  std::map<std::string, uint64_t> accepted_per_number() const;
  uint64_t duplicates() const;
  // The numbers of the requests read in Mode::hang (never answered, not accepted).
  std::set<std::string> hung_numbers() const;
  uint64_t rejected() const;  // answered 429 (rate limit or throttle_429 mode)
  uint64_t requests() const;  // every HTTP request read, answered or not
  uint64_t connections_accepted() const { return http_->connections_accepted(); }
  // The most requests it held unanswered at once (with a latency set): the concurrency
  // the client actually used.
  size_t max_requests_waiting() const { return http_->max_replies_waiting(); }
  std::vector<Callback> callbacks() const;

 private:
  HttpReply handle(const HttpExchange& exchange);  // answer(), delayed by the latency
  HttpReply answer(const HttpExchange& exchange);
  HttpReply accept(Message message);
  void callback_loop();
  void post_callback(void* curl, const Message& message, const std::string& status);

  const TwilioServerOptions options_;
  const std::string messages_path_;
  const std::string expected_authorization_;
  const std::chrono::steady_clock::time_point started_;
  const uint64_t sid_prefix_;

  mutable std::mutex mutex_;
  Mode mode_ = Mode::ok;
  int retry_after_seconds_ = 1;
  int rate_limit_ = 0;
  std::set<std::string> opted_out_;
  std::set<std::string> landlines_;
  bool callbacks_on_ = false;
  std::chrono::milliseconds latency_{0};
  std::chrono::milliseconds jitter_{0};
  std::mt19937 random_{42};
  std::map<std::string, uint64_t> per_number_;
  std::set<std::string> hung_numbers_;
  std::vector<Message> messages_;
  uint64_t accepted_ = 0;
  uint64_t accepted_segments_ = 0;
  uint64_t rejected_ = 0;
  uint64_t next_sid_ = 1;
  std::vector<uint64_t> messages_per_second_;
  std::vector<uint64_t> segments_per_second_;
  std::vector<Callback> callbacks_;

  std::condition_variable callback_wakeup_;
  std::deque<Message> callback_queue_;
  bool stopping_ = false;
  std::thread callback_thread_;

  // Last: destroyed first, so no handler runs on a half-destroyed server.
  std::unique_ptr<EpollHttpServer> http_;
};

}  // namespace tocsin::testing
