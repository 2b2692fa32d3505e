// How long this machine keeps a busy thread off its CPU, with nothing of Tocsin running:
// the floor under any "longest single call" a benchmark reads from Redis's SLOWLOG, which
// logs wall time. One busy thread per CPU, each pinned to its CPU, reads the monotonic clock
// in a loop for SECONDS; a gap between two readings is time the thread did not run (the
// kernel's own work, another process, or the hypervisor running another machine).
//
//   machine_stall_bench [SECONDS=20]
//
// Prints, per CPU, the gaps over 1 ms and over 5 ms and the longest gaps.

#include <sched.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Stalls {
  long over_1ms = 0;
  long over_5ms = 0;
  std::vector<double> longest_ms;  // the 5 longest, longest first
};

Stalls watch(int cpu, double seconds) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  sched_setaffinity(0, sizeof(set), &set);
  Stalls stalls;
  const auto start = Clock::now();
  const auto end = start + std::chrono::duration<double>(seconds);
  auto last = start;
  std::vector<double> gaps;
  while (last < end) {
    const auto now = Clock::now();
    const double gap = std::chrono::duration<double, std::milli>(now - last).count();
    last = now;
    if (gap < 0.2) continue;
    if (gap > 1) ++stalls.over_1ms;
    if (gap > 5) ++stalls.over_5ms;
    gaps.push_back(gap);
  }
  std::sort(gaps.begin(), gaps.end(), std::greater<>());
  gaps.resize(std::min<size_t>(gaps.size(), 5));
  stalls.longest_ms = gaps;
  return stalls;
}

}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::stod(argv[1]) : 20;
  const int cpus = static_cast<int>(std::thread::hardware_concurrency());
  std::vector<Stalls> results(cpus);
  std::vector<std::thread> threads;
  for (int cpu = 0; cpu < cpus; ++cpu) {
    threads.emplace_back([&results, cpu, seconds] { results[cpu] = watch(cpu, seconds); });
  }
  for (auto& thread : threads) thread.join();
  std::printf("a busy thread per CPU for %.0f s, nothing else of ours running:\n", seconds);
  for (int cpu = 0; cpu < cpus; ++cpu) {
    std::printf("  cpu %d: %ld gaps over 1 ms, %ld over 5 ms; longest:", cpu,
                results[cpu].over_1ms, results[cpu].over_5ms);
    for (double gap : results[cpu].longest_ms) std::printf(" %.1f", gap);
    std::printf(" ms\n");
  }
  return 0;
}
