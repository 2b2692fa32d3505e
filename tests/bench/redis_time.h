#pragma once
// Redis's own time per command, from INFO commandstats (scripts include the commands they
// call), for benchmarks that print where a reply's or a message's Redis time goes.

#include <cstddef>
#include <map>
#include <string>
#include <utility>

namespace tocsin::bench {

// INFO commandstats as command -> {calls, microseconds}.
std::map<std::string, std::pair<double, double>> command_stats(const std::string& info);

// Prints "  Redis time per <unit> by command ...": the microseconds and calls of each
// command between two command_stats(), per `units`, the largest first (10 at most).
void print_redis_time(const std::map<std::string, std::pair<double, double>>& before,
                      const std::map<std::string, std::pair<double, double>>& after, size_t units,
                      const char* unit = "reply");

}  // namespace tocsin::bench
