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

// Pins every thread of process `pid` (0: this process) to the one CPU `cpu`, or to every
// CPU but `cpu` when `except` is true. Lets a benchmark give Redis a core of its own, so
// that the slow log measures Redis's own work and not the time it waited for a core.
void pin_threads(pid_t pid, int cpu, bool except = false);

}  // namespace tocsin::bench
