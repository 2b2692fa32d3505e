#pragma once
// CPU time used by the processes of a benchmark, so that figures can be set beside each
// other per request or per message, whatever else the machine was busy with.

#include <sys/types.h>

#include <string>

namespace tocsin::bench {

// User + system CPU seconds process `pid` has used so far (/proc/PID/stat).
double cpu_seconds(pid_t pid);

// This process's own (RUSAGE_SELF): in the benchmarks, the Twilio-shaped server's thread.
double own_cpu_seconds();

// Of our reaped children (RUSAGE_CHILDREN), e.g. wrk once it has exited.
double children_cpu_seconds();

// Our child process whose command name is `command` (e.g. "redis-server"), or -1.
pid_t child_named(const std::string& command);

}  // namespace tocsin::bench
