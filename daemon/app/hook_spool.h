#pragma once
// The webhooks' way in (api/hook_intake.h) with its spool (spool/spool.h) and the spool's
// replay, as one component of the daemon: opened before the server listens, so that what a
// previous run spooled is replayed before anything new, and stopped with the workers.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <memory>

#include "api/hook_intake.h"
#include "spool/spool.h"
#include "spool/spool_replayer.h"

namespace tocsin::config {
class SpoolConfig;
}
namespace tocsin::metrics {
class Registry;
}
namespace tocsin::redis {
class Client;
}

namespace tocsin::app {

class HookSpool {
 public:
  // Opens the spool's directory. Throws std::runtime_error with a sentence for the log
  // when it cannot be used (created, locked, read).
  HookSpool(boost::asio::any_io_executor executor, const config::SpoolConfig& config,
            replies::InboundStore& inbound, dispatch::ReceiptStore& receipts, redis::Client& redis);

  api::HookIntake& intake() { return intake_; }
  void add_metrics(metrics::Registry& metrics) const;

  boost::asio::awaitable<void> run() { return replayer_.run(); }
  void stop() { replayer_.stop(); }

 private:
  spool::Spool spool_;
  api::HookIntake intake_;
  spool::SpoolReplayer replayer_;
};

}  // namespace tocsin::app
