#include "tests/bench/redis_time.h"

#include <algorithm>
#include <cstdio>
#include <sstream>
#include <vector>

namespace tocsin::bench {

std::map<std::string, std::pair<double, double>> command_stats(const std::string& info) {
  std::map<std::string, std::pair<double, double>> stats;
  std::istringstream lines(info);
  std::string line;
  while (std::getline(lines, line)) {
    // cmdstat_evalsha:calls=105000,usec=2100000,usec_per_call=20.00,...
    if (!line.starts_with("cmdstat_")) continue;
    const size_t colon = line.find(':');
    const size_t calls = line.find("calls=");
    const size_t usec = line.find(",usec=");
    if (colon == std::string::npos || calls == std::string::npos || usec == std::string::npos) {
      continue;
    }
    stats[line.substr(8, colon - 8)] = {std::stod(line.substr(calls + 6)),
                                        std::stod(line.substr(usec + 6))};
  }
  return stats;
}

void print_redis_time(const std::map<std::string, std::pair<double, double>>& before,
                      const std::map<std::string, std::pair<double, double>>& after, size_t units,
                      const char* unit) {
  std::vector<std::pair<double, std::string>> spent;
  for (const auto& [name, totals] : after) {
    const auto it = before.find(name);
    const double calls = totals.first - (it == before.end() ? 0 : it->second.first);
    const double usec = totals.second - (it == before.end() ? 0 : it->second.second);
    if (calls <= 0) continue;
    char line[160];
    std::snprintf(line, sizeof line, "%s %.1f us (%.1f calls)", name.c_str(), usec / units,
                  calls / units);
    spent.emplace_back(usec, line);
  }
  std::sort(spent.rbegin(), spent.rend());
  std::printf("  Redis time per %s by command (scripts include the commands they call):", unit);
  for (size_t i = 0; i < spent.size() && i < 10; ++i) {
    std::printf("%s %s", i == 0 ? "" : ",", spent[i].second.c_str());
  }
  std::printf("\n");
}

}  // namespace tocsin::bench
