#pragma once
// Driving a process that runs under valgrind's callgrind, for benchmarks that count the
// instructions of one stretch of work (the blast) rather than of the whole run.

#include <sys/types.h>

#include <cstdint>
#include <filesystem>

namespace tocsin::bench {

// callgrind_control -z (zero the counts) or -d (dump them) for `pid`. Throws on failure.
void callgrind_control(const char* what, pid_t pid);

// The instructions counted in the last dump under `dir` (<name>.<pid>.<n>, n counting up):
// what ran since the counts were last zeroed.
int64_t dumped_instructions(const std::filesystem::path& dir);

}  // namespace tocsin::bench
