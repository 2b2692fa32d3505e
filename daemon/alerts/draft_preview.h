#pragma once
// The console's draft preview: what an alert being composed would reach, say and cost,
// and every problem that would refuse its creation, computed by the same code as the
// stored alert's preview and the create checks (one copy of the rules, in the daemon). The
// audience's measure is reused for a few seconds while only the texts change
// (measure_cache.h), and refreshed in the background before it expires. A measure being
// taken is shared: the keystrokes that follow a new audience wait for that one count
// instead of each starting its own.

#include <boost/asio/awaitable.hpp>

#include <map>
#include <memory>
#include <string>

#include "alerts/alert_store.h"
#include "alerts/audience_breakdown.h"
#include "alerts/measure_cache.h"
#include "members/audience_counter.h"
#include "proto/console.pb.h"

namespace tocsin::config {
class Config;
}

namespace tocsin::alerts {

class DraftPreviewer {
 public:
  // Registers its scripts with load_on_connect(): construct before redis.run().
  DraftPreviewer(redis::Client& redis, const config::Config& config);

  // Refused only when Redis is unavailable (503); the draft's own problems are answered.
  boost::asio::awaitable<Outcome<DraftPreviewResponse>> preview(Alert draft);

 private:
  // Counts and measures the draft's audience and stores it under `key`; nullopt when Redis
  // is unavailable.
  boost::asio::awaitable<std::optional<DraftMeasure>> measure(std::string key, Alert draft,
                                                              members::AudienceExpr expression);

  // The measure under `key`, taken now or joined if another request is taking it.
  boost::asio::awaitable<std::optional<DraftMeasure>> measure_once(
      const std::string& key, const Alert& draft, const members::AudienceExpr& expression);

  struct Pending;  // a measure being taken, and who waits for it

  redis::Client& redis_;
  const config::Config& config_;
  std::map<std::string, std::shared_ptr<Pending>> pending_;
  members::AudienceCounter audience_;
  AudienceBreakdownCounter breakdown_;
  MeasureCache measures_;
};

}  // namespace tocsin::alerts
