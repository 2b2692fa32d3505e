#include "tests/support/sse_client.h"

#include <curl/curl.h>

#include <memory>

namespace tocsin::testing {

SseClient::SseClient(std::string url, std::vector<std::string> headers)
    : parser_([this](events::SseEvent event) {
        // Called from on_body, mutex_ held.
        events_.push_back({std::move(event), std::chrono::steady_clock::now()});
        changed_.notify_all();
      }) {
  multi_ = curl_multi_init();
  thread_ = std::thread(
      [this, url = std::move(url), headers = std::move(headers)] { run(url, headers); });
}

SseClient::~SseClient() {
  close();
  curl_multi_cleanup(static_cast<CURLM*>(multi_));
}

void SseClient::close() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  curl_multi_wakeup(static_cast<CURLM*>(multi_));
  if (thread_.joinable()) thread_.join();
}

size_t SseClient::on_body(char* data, size_t size, size_t count, void* self) {
  auto* client = static_cast<SseClient*>(self);
  std::lock_guard lock(client->mutex_);
  client->parser_.feed(std::string_view(data, size * count));
  return size * count;
}

size_t SseClient::on_header(char* data, size_t size, size_t count, void* self) {
  auto* client = static_cast<SseClient*>(self);
  std::lock_guard lock(client->mutex_);
  client->headers_.append(data, size * count);
  if (client->headers_.starts_with("HTTP/")) {
    const size_t space = client->headers_.find(' ');
    client->status_ = std::atol(client->headers_.c_str() + space + 1);
  }
  client->changed_.notify_all();
  return size * count;
}

void SseClient::run(std::string url, std::vector<std::string> headers) {
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), &curl_easy_cleanup);
  curl_slist* list = nullptr;
  for (const auto& header : headers) list = curl_slist_append(list, header.c_str());
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> owned(list, &curl_slist_free_all);
  CURL* h = curl.get();
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &SseClient::on_body);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, this);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &SseClient::on_header);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, this);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  CURLM* multi = static_cast<CURLM*>(multi_);
  curl_multi_add_handle(multi, h);
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      if (stop_) break;
    }
    int running = 0;
    curl_multi_perform(multi, &running);
    if (running == 0) break;
    curl_multi_poll(multi, nullptr, 0, 200, nullptr);
  }
  curl_multi_remove_handle(multi, h);
  std::lock_guard lock(mutex_);
  finished_ = true;
  changed_.notify_all();
}

std::vector<ReceivedEvent> SseClient::events() const {
  std::lock_guard lock(mutex_);
  return events_;
}

size_t SseClient::heartbeats() const {
  std::lock_guard lock(mutex_);
  return parser_.comments();
}

std::string SseClient::last_id() const {
  std::lock_guard lock(mutex_);
  return parser_.last_id();
}

bool SseClient::wait_for(const std::function<bool(const std::vector<ReceivedEvent>&)>& condition,
                         std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return condition(events_); });
}

long SseClient::status() const {
  std::lock_guard lock(mutex_);
  return status_;
}

std::string SseClient::headers() const {
  std::lock_guard lock(mutex_);
  return headers_;
}

bool SseClient::finished() const {
  std::lock_guard lock(mutex_);
  return finished_;
}

}  // namespace tocsin::testing
