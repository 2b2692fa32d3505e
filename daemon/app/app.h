#pragma once
// The daemon's lifecycle, userver-style: components start in order (metrics, Redis, HTTP),
// and stop in reverse on SIGTERM/SIGINT: stop accepting, let in-flight requests finish
// within the grace period, close Redis, exit 0. systemd hears READY, WATCHDOG, STOPPING.

#include "proto/config.pb.h"

namespace tocsin::app {

struct DaemonOptions {
  // tocsind --test-clock (hidden): the daemon's time follows test:clock_offset_ms in Redis
  // (app/test_clock.h). For tests only.
  bool test_clock = false;
};

// Runs the daemon until a signal stops it. Returns the process exit code.
int run_daemon(config::Config config, DaemonOptions options = {});

// --bootstrap-admin: creates the first admin token directly in Redis, prints it alone on
// stdout. Returns the process exit code.
int bootstrap_admin(const config::Config& config, const std::string& name);

}  // namespace tocsin::app
