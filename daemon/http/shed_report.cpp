#include "http/shed_report.h"

#include <fmt/format.h>

#include <algorithm>

namespace tocsin::http {

ShedReport::ShedReport(std::chrono::milliseconds period, Clock::time_point start)
    : period_(period), last_(start) {}

void ShedReport::count(Shed what, const std::string& client) {
  switch (what) {
    case Shed::header_timeout: ++totals_.header_timeouts; break;
    case Shed::evicted: ++totals_.evicted; break;
    case Shed::refused_client: ++totals_.refused_client; break;
    case Shed::refused_full: ++totals_.refused_full; break;
  }
  auto it = by_client_.find(client);
  if (it != by_client_.end()) {
    ++it->second;
  } else if (by_client_.size() < kMaxClients) {
    by_client_.emplace(client, 1);
  }
}

std::optional<std::string> ShedReport::due(Clock::time_point now) {
  if (now - last_ < period_) return std::nullopt;
  const uint64_t header_timeouts = totals_.header_timeouts - at_last_.header_timeouts;
  const uint64_t evicted = totals_.evicted - at_last_.evicted;
  const uint64_t refused_client = totals_.refused_client - at_last_.refused_client;
  const uint64_t refused_full = totals_.refused_full - at_last_.refused_full;
  if (header_timeouts + evicted + refused_client + refused_full == 0) {
    last_ = now;  // a quiet period: the next line covers the period it falls in
    return std::nullopt;
  }
  const auto top = std::max_element(
      by_client_.begin(), by_client_.end(),
      [](const auto& a, const auto& b) { return a.second < b.second; });
  std::string line = fmt::format(
      "event=http_connections_shed seconds={} header_timeouts={} evicted={} refused_client={} "
      "refused_full={} clients={}{}",
      std::chrono::duration_cast<std::chrono::seconds>(now - last_).count(), header_timeouts,
      evicted, refused_client, refused_full, by_client_.size(),
      top == by_client_.end() ? "" : fmt::format(" top_client={} top_client_shed={}", top->first,
                                                 top->second));
  last_ = now;
  at_last_ = totals_;
  by_client_.clear();
  return line;
}

}  // namespace tocsin::http
