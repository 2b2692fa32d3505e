#include "tests/bench/aof_breakdown.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <map>
#include <stdexcept>
#include <vector>

namespace tocsin::bench {

std::filesystem::path current_aof_file(const std::filesystem::path& redis_dir) {
  std::filesystem::path newest;
  long newest_number = -1;
  for (const auto& entry : std::filesystem::directory_iterator(redis_dir / "appendonlydir")) {
    const std::string name = entry.path().filename().string();
    const std::string suffix = ".incr.aof";
    if (name.size() <= suffix.size() ||
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0) {
      continue;
    }
    // appendonly.aof.<n>.incr.aof
    const std::string stem = name.substr(0, name.size() - suffix.size());
    const long number = std::stol(stem.substr(stem.rfind('.') + 1));
    if (number > newest_number) {
      newest_number = number;
      newest = entry.path();
    }
  }
  if (newest.empty()) throw std::runtime_error("no incremental AOF in " + redis_dir.string());
  return newest;
}

namespace {

// A key's shape: what is inside {...} becomes {id}, runs of digits become N.
std::string key_shape(const std::string& key) {
  std::string shape;
  bool in_tag = false;
  for (size_t i = 0; i < key.size(); ++i) {
    const char c = key[i];
    if (in_tag) {
      if (c == '}') {
        shape += "id}";
        in_tag = false;
      }
      continue;
    }
    if (c == '{') {
      shape += c;
      in_tag = true;
    } else if (std::isdigit(static_cast<unsigned char>(c))) {
      if (shape.empty() || shape.back() != 'N') shape += 'N';
    } else {
      shape += c;
    }
  }
  return shape;
}

}  // namespace

void print_aof_breakdown(const std::filesystem::path& file, uint64_t from, size_t units,
                         const char* unit) {
  std::ifstream in(file, std::ios::binary);
  in.seekg(static_cast<std::streamoff>(from));
  const std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::map<std::string, std::pair<double, double>> by_shape;  // bytes, commands
  size_t at = 0;
  auto read_line = [&](char kind) {
    if (at >= data.size() || data[at] != kind) throw std::runtime_error("AOF: unexpected byte");
    const size_t end = data.find("\r\n", at);
    if (end == std::string::npos) throw std::runtime_error("AOF: truncated");
    const long value = std::stol(data.substr(at + 1, end - at - 1));
    at = end + 2;
    return value;
  };
  while (at < data.size()) {
    const size_t start = at;
    const long count = read_line('*');
    std::vector<std::string> args;
    for (long i = 0; i < count; ++i) {
      const long length = read_line('$');
      if (i < 2) args.push_back(data.substr(at, static_cast<size_t>(length)));
      at += static_cast<size_t>(length) + 2;
    }
    std::string name = args.empty() ? "" : args[0];
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return std::toupper(c); });
    if (name == "MULTI" || name == "EXEC" || name == "SELECT") {
      name = "MULTI/EXEC/SELECT";
    } else if (args.size() > 1) {
      name += " " + key_shape(args[1]);
    }
    auto& totals = by_shape[name];
    totals.first += static_cast<double>(at - start);
    totals.second += 1;
  }
  std::vector<std::pair<std::string, std::pair<double, double>>> sorted(by_shape.begin(),
                                                                        by_shape.end());
  std::sort(sorted.begin(), sorted.end(),
            [](const auto& a, const auto& b) { return a.second.first > b.second.first; });
  std::printf("  AOF bytes per %s by command and key (calls per %s):\n", unit, unit);
  for (size_t i = 0; i < sorted.size() && i < 12; ++i) {
    std::printf("    %7.1f B  (%.2f)  %s\n", sorted[i].second.first / units,
                sorted[i].second.second / units, sorted[i].first.c_str());
  }
}

}  // namespace tocsin::bench
