#include "tests/bench/callgrind_control.h"

#include <fstream>
#include <stdexcept>
#include <string>

#include "tests/support/daemon_process.h"

namespace tocsin::bench {

void callgrind_control(const char* what, pid_t pid) {
  auto result = testing::run_command({"callgrind_control", what, std::to_string(pid)});
  if (result.exit_code != 0) {
    throw std::runtime_error("callgrind_control " + std::string(what) + " failed: " + result.out +
                             result.err);
  }
}

int64_t dumped_instructions(const std::filesystem::path& dir) {
  std::filesystem::path last;
  long last_n = -1;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    const auto dot = name.rfind('.');
    if (dot == std::string::npos || name.find('.') == dot) continue;  // no ".<n>" dump suffix
    const long n = std::stol(name.substr(dot + 1));
    if (n > last_n) {
      last_n = n;
      last = entry.path();
    }
  }
  std::ifstream in(last);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("summary: ", 0) == 0 || line.rfind("totals: ", 0) == 0) {
      return std::stoll(line.substr(line.find(' ') + 1));
    }
  }
  throw std::runtime_error("no callgrind dump in " + dir.string());
}

}  // namespace tocsin::bench
