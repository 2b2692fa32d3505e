#pragma once
// The daemon's metrics, rendered in the Prometheus text exposition format for /metrics.
// Counters the daemon owns live here; values owned elsewhere (Redis reconnects, uptime)
// are read through callbacks at render time, so there is one source of truth for each.

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tocsin::metrics {

class Registry {
 public:
  // tocsin_http_requests_total{route="/v1/tokens",status="201"}
  void count_http_request(std::string_view route, unsigned status);

  enum class Kind { counter, gauge };
  // A single-valued metric read when /metrics is scraped.
  void add_callback(std::string name, std::string help, Kind kind, std::function<double()> read);

  std::string render() const;

 private:
  struct Callback {
    std::string name;
    std::string help;
    Kind kind;
    std::function<double()> read;
  };
  std::map<std::pair<std::string, unsigned>, uint64_t> http_requests_;
  std::vector<Callback> callbacks_;
};

// A label value escaped for the text format (\\, \", \n).
std::string escape_label(std::string_view value);

}  // namespace tocsin::metrics
