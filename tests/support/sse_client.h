#pragma once
// A Server-Sent Events client for tests: libcurl on its own thread reads the stream and
// parses it (events/sse_parser.h) as it arrives; the test thread looks at what came, waits
// for a condition, or closes the connection (at once: curl_multi_wakeup).

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "events/sse_parser.h"

namespace tocsin::testing {

struct ReceivedEvent {
  events::SseEvent event;
  std::chrono::steady_clock::time_point at;
};

class SseClient {
 public:
  // GET url with these headers ("Name: value"), e.g. the Authorization and Last-Event-ID.
  SseClient(std::string url, std::vector<std::string> headers);
  ~SseClient();
  SseClient(const SseClient&) = delete;
  SseClient& operator=(const SseClient&) = delete;

  // Every event so far.
  std::vector<ReceivedEvent> events() const;
  size_t heartbeats() const;
  // The id of the last event received with one.
  std::string last_id() const;
  // Waits until `condition` holds on the events received (checked as they come).
  bool wait_for(const std::function<bool(const std::vector<ReceivedEvent>&)>& condition,
                std::chrono::milliseconds timeout) const;
  // The response's status (0 until the headers came) and headers, raw.
  long status() const;
  std::string headers() const;
  // True once the transfer is over (the server ended it, or it failed).
  bool finished() const;
  // Closes the connection and stops the thread.
  void close();

 private:
  void run(std::string url, std::vector<std::string> headers);
  static size_t on_body(char* data, size_t size, size_t count, void* self);
  static size_t on_header(char* data, size_t size, size_t count, void* self);

  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::vector<ReceivedEvent> events_;
  events::SseParser parser_;
  std::string headers_;
  long status_ = 0;
  bool finished_ = false;
  bool stop_ = false;
  void* multi_ = nullptr;  // CURLM*, for curl_multi_wakeup
  std::thread thread_;
};

}  // namespace tocsin::testing
