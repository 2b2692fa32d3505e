#pragma once
// The connections the HTTP server sheds to protect itself, counted for /metrics and summed
// up for the log: a flood of thousands of sockets makes one line per period, not one per
// connection, and the line names the address that lost the most (one an operator may want
// to block). Pure: the caller says what happened and what time it is.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>

namespace tocsin::http {

enum class Shed { header_timeout, evicted, refused_client, refused_full };

struct ShedTotals {
  uint64_t header_timeouts = 0;  // closed without a complete request head in time
  uint64_t evicted = 0;          // idle, closed to admit a new connection to a full server
  uint64_t refused_client = 0;   // their address held max_connections_per_client already
  uint64_t refused_full = 0;     // every connection of a full server was at work
};

class ShedReport {
 public:
  using Clock = std::chrono::steady_clock;
  // At most this many addresses are tallied per period; more only add to the totals.
  static constexpr size_t kMaxClients = 4096;

  ShedReport(std::chrono::milliseconds period, Clock::time_point start);

  void count(Shed what, const std::string& client);
  const ShedTotals& totals() const { return totals_; }

  // Called every so often: once `period` has passed since the last call that closed a
  // period, the log line for what was shed in it (nothing when nothing was), and a new
  // period starts. `clients` in the line counts the addresses tallied.
  std::optional<std::string> due(Clock::time_point now);

 private:
  std::chrono::milliseconds period_;
  Clock::time_point last_;
  ShedTotals totals_;
  ShedTotals at_last_;
  std::unordered_map<std::string, uint64_t> by_client_;  // since the last line
};

}  // namespace tocsin::http
