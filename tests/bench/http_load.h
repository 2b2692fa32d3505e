#pragma once
// An HTTP load generator for benchmarks: libcurl's multi interface in the calling thread,
// a fixed number of keep-alive connections, and requests prepared beforehand (URL, body,
// headers), so the client spends its time sending rather than building requests.
//
// Two ways to send them:
//   - closed loop: as fast as the server answers, each connection sending its next request
//     when the previous one is answered (throughput);
//   - open loop at a given rate: request i is due at start + i / rate whatever happened to
//     the others, and its latency is counted from that due time, so time spent waiting for
//     a free connection behind slow answers counts too (no coordinated omission).

#include <curl/curl.h>

#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace tocsin::bench {

class PreparedRequest {
 public:
  // method "GET" or "POST"; headers as "Name: value".
  PreparedRequest(std::string method, std::string url, std::string body,
                  const std::vector<std::string>& headers);

  const std::string& method() const { return method_; }
  const std::string& url() const { return url_; }
  const std::string& body() const { return body_; }
  curl_slist* headers() const { return headers_.get(); }

 private:
  std::string method_;
  std::string url_;
  std::string body_;
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers_;
};

struct LoadResult {
  size_t requests = 0;
  std::map<long, size_t> statuses;  // HTTP status -> count; 0 = no answer (transport error)
  double seconds = 0;               // first start to last answer
  std::chrono::steady_clock::time_point started;  // when request 0 was due
  std::vector<double> latencies_ms;  // per request, unsorted

  size_t count(long status) const;
  double per_second() const { return seconds > 0 ? requests / seconds : 0; }
  // The q-quantile of the latencies (0 <= q <= 1), in milliseconds.
  double latency_ms(double q) const;
  // "200:50000" or "200:49990 503:10".
  std::string status_summary() const;
};

// Sends every request once over `connections` keep-alive connections. per_second <= 0:
// closed loop; else open loop at that rate.
LoadResult send_all(const std::vector<PreparedRequest>& requests, size_t connections,
                    double per_second = 0);

}  // namespace tocsin::bench
