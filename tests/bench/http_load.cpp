#include "tests/bench/http_load.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <stdexcept>

namespace tocsin::bench {
namespace {

using Clock = std::chrono::steady_clock;

// Answers are read and dropped: a benchmark only needs their status.
size_t discard(char*, size_t size, size_t count, void*) { return size * count; }

struct Slot {
  CURL* easy = nullptr;
  size_t index = 0;
  Clock::time_point due;
};

}  // namespace

PreparedRequest::PreparedRequest(std::string method, std::string url, std::string body,
                                 const std::vector<std::string>& headers)
    : method_(std::move(method)),
      url_(std::move(url)),
      body_(std::move(body)),
      headers_(nullptr, &curl_slist_free_all) {
  curl_slist* list = nullptr;
  for (const std::string& header : headers) list = curl_slist_append(list, header.c_str());
  // libcurl would send "Expect: 100-continue" for larger bodies and wait for the answer.
  list = curl_slist_append(list, "Expect:");
  headers_.reset(list);
}

size_t LoadResult::count(long status) const {
  auto it = statuses.find(status);
  return it == statuses.end() ? 0 : it->second;
}

double LoadResult::latency_ms(double q) const {
  if (latencies_ms.empty()) return 0;
  std::vector<double> sorted = latencies_ms;
  const size_t at = std::min(sorted.size() - 1, static_cast<size_t>(std::ceil(q * sorted.size())) -
                                                    (q > 0 ? 1 : 0));
  std::nth_element(sorted.begin(), sorted.begin() + static_cast<long>(at), sorted.end());
  return sorted[at];
}

std::string LoadResult::status_summary() const {
  std::string out;
  for (const auto& [status, n] : statuses) {
    if (!out.empty()) out += ' ';
    out += std::to_string(status) + ":" + std::to_string(n);
  }
  return out;
}

LoadResult send_all(const std::vector<PreparedRequest>& requests, size_t connections,
                    double per_second) {
  std::unique_ptr<CURLM, decltype(&curl_multi_cleanup)> multi(curl_multi_init(),
                                                              &curl_multi_cleanup);
  if (!multi) throw std::runtime_error("curl_multi_init failed");
  curl_multi_setopt(multi.get(), CURLMOPT_MAX_HOST_CONNECTIONS, static_cast<long>(connections));
  curl_multi_setopt(multi.get(), CURLMOPT_MAXCONNECTS, static_cast<long>(connections));

  std::vector<Slot> slots(connections);
  std::vector<Slot*> idle;
  for (Slot& slot : slots) {
    slot.easy = curl_easy_init();
    if (slot.easy == nullptr) throw std::runtime_error("curl_easy_init failed");
    curl_easy_setopt(slot.easy, CURLOPT_WRITEFUNCTION, &discard);
    curl_easy_setopt(slot.easy, CURLOPT_PRIVATE, &slot);
    curl_easy_setopt(slot.easy, CURLOPT_TIMEOUT_MS, 30000L);
    curl_easy_setopt(slot.easy, CURLOPT_NOSIGNAL, 1L);
    idle.push_back(&slot);
  }

  LoadResult result;
  result.requests = requests.size();
  result.latencies_ms.resize(requests.size());
  const bool paced = per_second > 0;
  const Clock::time_point start = Clock::now();
  result.started = start;
  auto due_at = [&](size_t i) {
    if (!paced) return start;
    return start + std::chrono::duration_cast<Clock::duration>(
                       std::chrono::duration<double>(static_cast<double>(i) / per_second));
  };

  size_t next = 0;
  size_t done = 0;
  while (done < requests.size()) {
    Clock::time_point now = Clock::now();
    while (next < requests.size() && !idle.empty() && due_at(next) <= now) {
      Slot* slot = idle.back();
      idle.pop_back();
      const PreparedRequest& request = requests[next];
      slot->index = next;
      // Closed loop: the latency of one exchange; open loop: from when it was due.
      slot->due = paced ? due_at(next) : now;
      ++next;
      curl_easy_setopt(slot->easy, CURLOPT_URL, request.url().c_str());
      curl_easy_setopt(slot->easy, CURLOPT_HTTPHEADER, request.headers());
      if (request.method() == "POST") {
        curl_easy_setopt(slot->easy, CURLOPT_POSTFIELDS, request.body().data());
        curl_easy_setopt(slot->easy, CURLOPT_POSTFIELDSIZE, static_cast<long>(request.body().size()));
      } else {
        curl_easy_setopt(slot->easy, CURLOPT_HTTPGET, 1L);
      }
      curl_multi_add_handle(multi.get(), slot->easy);
    }
    int running = 0;
    curl_multi_perform(multi.get(), &running);
    int queued = 0;
    while (CURLMsg* message = curl_multi_info_read(multi.get(), &queued)) {
      if (message->msg != CURLMSG_DONE) continue;
      Slot* slot = nullptr;
      curl_easy_getinfo(message->easy_handle, CURLINFO_PRIVATE, &slot);
      long status = 0;
      if (message->data.result == CURLE_OK) {
        curl_easy_getinfo(message->easy_handle, CURLINFO_RESPONSE_CODE, &status);
      }
      const Clock::time_point end = Clock::now();
      ++result.statuses[status];
      result.latencies_ms[slot->index] =
          std::chrono::duration<double, std::milli>(end - slot->due).count();
      result.seconds = std::chrono::duration<double>(end - start).count();
      curl_multi_remove_handle(multi.get(), slot->easy);
      idle.push_back(slot);
      ++done;
    }
    if (done == requests.size()) break;
    // Wait for sockets, but no longer than until the next request is due (rounded up to
    // the millisecond poll counts in, rather than spinning on a core the server needs).
    int wait_ms = 100;
    if (next < requests.size() && !idle.empty()) {
      const auto until = due_at(next) - Clock::now();
      if (until <= Clock::duration::zero()) continue;
      wait_ms = static_cast<int>(std::clamp<int64_t>(
          std::chrono::ceil<std::chrono::milliseconds>(until).count(), 1, 100));
    }
    curl_multi_poll(multi.get(), nullptr, 0, wait_ms, nullptr);
  }
  for (Slot& slot : slots) curl_easy_cleanup(slot.easy);
  return result;
}

}  // namespace tocsin::bench
