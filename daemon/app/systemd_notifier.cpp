#include "app/systemd_notifier.h"

#include <systemd/sd-daemon.h>

#include <spdlog/spdlog.h>
#include <boost/asio/steady_timer.hpp>

#include <string>

namespace tocsin::app {

struct SystemdNotifier::Impl : std::enable_shared_from_this<Impl> {
  explicit Impl(boost::asio::any_io_executor executor) : timer(executor) {}

  void schedule() {
    timer.expires_after(interval);
    timer.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (ec || !self->running) return;
      sd_notify(0, "WATCHDOG=1");
      self->schedule();
    });
  }

  boost::asio::steady_timer timer;
  std::chrono::microseconds interval{0};
  bool running = false;
};

SystemdNotifier::SystemdNotifier(boost::asio::any_io_executor executor)
    : impl_(std::make_shared<Impl>(executor)) {}

SystemdNotifier::~SystemdNotifier() {
  stop_watchdog();
}

void SystemdNotifier::ready(std::string_view status) {
  sd_notify(0, ("READY=1\nSTATUS=" + std::string(status)).c_str());
}

void SystemdNotifier::stopping() {
  sd_notify(0, "STOPPING=1");
}

void SystemdNotifier::start_watchdog() {
  uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return;
  impl_->interval = std::chrono::microseconds(usec / 2);
  impl_->running = true;
  spdlog::info("event=watchdog_enabled interval_ms={}", usec / 2000);
  impl_->schedule();
}

void SystemdNotifier::stop_watchdog() {
  impl_->running = false;
  impl_->timer.cancel();
}

}  // namespace tocsin::app
