#pragma once
// sd_notify for Type=notify units: READY once serving, STOPPING on shutdown, and WATCHDOG
// pings from the event loop itself, so a loop that hangs stops the pings and systemd
// restarts the daemon. Outside systemd (no NOTIFY_SOCKET) every call does nothing.

#include <boost/asio/any_io_executor.hpp>

#include <memory>
#include <string_view>

namespace tocsin::app {

class SystemdNotifier {
 public:
  explicit SystemdNotifier(boost::asio::any_io_executor executor);
  ~SystemdNotifier();

  void ready(std::string_view status);
  void stopping();
  // Starts pinging at half the WatchdogSec systemd asked for, if it asked.
  void start_watchdog();
  void stop_watchdog();

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace tocsin::app
