#include "app/hook_spool.h"

#include <spdlog/spdlog.h>

#include <filesystem>

#include "config/config.h"
#include "log/log.h"
#include "metrics/registry.h"
#include "redis/client.h"

namespace tocsin::app {
namespace {

spool::SpoolOptions spool_options(const config::SpoolConfig& config) {
  spool::SpoolOptions options;
  options.directory = std::filesystem::absolute(config.directory());
  options.max_bytes = static_cast<uint64_t>(config.max_megabytes()) << 20;
  return options;
}

}  // namespace

HookSpool::HookSpool(boost::asio::any_io_executor executor, const config::SpoolConfig& config,
                     replies::InboundStore& inbound, dispatch::ReceiptStore& receipts,
                     redis::Client& redis)
    : spool_(executor, spool_options(config)),
      // Only the replies' connection is needed: what the hooks write goes through it.
      intake_(inbound, receipts, &spool_, [&redis] { return redis.connected(); }),
      replayer_(
          executor, spool_, [&redis] { return redis.connected(); },
          [this](const std::string& payload) { return intake_.replay(payload); }) {
  for (const std::string& problem : spool_.recovery_problems()) {
    spdlog::error("event=spool_repaired problem={}", log::quote(problem));
  }
}

void HookSpool::add_metrics(metrics::Registry& metrics) const {
  using Kind = metrics::Registry::Kind;
  metrics.add_callback(
      "tocsin_spool_records",
      "Replies and receipts kept in the local spool while Redis was away, not yet replayed.",
      Kind::gauge, [this] { return static_cast<double>(spool_.pending_records()); });
  metrics.add_callback("tocsin_spool_bytes", "Size of the local spool's files.", Kind::gauge,
                       [this] { return static_cast<double>(spool_.bytes()); });
  metrics.add_callback("tocsin_spool_replayed_total",
                       "Spooled replies and receipts stored in Redis once it was back.",
                       Kind::counter, [this] { return static_cast<double>(replayer_.replayed()); });
  metrics.add_callback(
      "tocsin_spool_set_aside_total",
      "Spooled records Redis refused again and again, kept in set-aside.spool for a person.",
      Kind::counter, [this] { return static_cast<double>(replayer_.set_aside()); });
}

}  // namespace tocsin::app
