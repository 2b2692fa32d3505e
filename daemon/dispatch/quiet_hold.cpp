#include "dispatch/quiet_hold.h"

#include <chrono>

#include "proto/config.pb.h"
#include "proto/tocsin.pb.h"

namespace tocsin::dispatch {

QuietHold::QuietHold(const config::Config& config) : time_zone_(config.time_zone()) {
  for (const auto& entry : config.alerts().quiet_hours()) {
    Rule rule;
    // Validated at load (config/check_quiet_hours.cpp); an unparsable clock, never
    // expected here, leaves an empty window rather than holding everything.
    rule.window.start_minute = schedule::parse_clock(entry.start()).value_or(0);
    rule.window.end_minute = schedule::parse_clock(entry.end()).value_or(0);
    rule.kinds.insert(entry.kinds().begin(), entry.kinds().end());
    rule.sms = entry.channels() == SMS || entry.channels() == BOTH;
    rule.email = entry.channels() == EMAIL || entry.channels() == BOTH;
    rules_.push_back(std::move(rule));
  }
}

std::optional<int64_t> QuietHold::until(const Alert& alert, std::string_view channel,
                                        int64_t now_ms) {
  if (rules_.empty()) return std::nullopt;
  // The emergency kinds go through only when the alert says so (alert_validation.cpp
  // refuses the flag on other kinds; an older record is checked here all the same).
  if (alert.ignore_quiet_hours() &&
      (alert.kind() == SPECIAL_LAW_THREAT || alert.kind() == EMERGENCY_ASSEMBLY)) {
    return std::nullopt;
  }
  using std::chrono::milliseconds;
  if (now_ms / 1000 != second_) {
    second_ = now_ms / 1000;
    ends_.assign(rules_.size(), std::nullopt);
    const std::chrono::system_clock::time_point at{milliseconds(now_ms)};
    for (size_t i = 0; i < rules_.size(); ++i) {
      if (auto end = schedule::held_until(rules_[i].window, at, time_zone_)) {
        ends_[i] = std::chrono::duration_cast<milliseconds>(end->time_since_epoch()).count();
      }
    }
  }
  const bool sms = channel == "sms";
  std::optional<int64_t> last;
  for (size_t i = 0; i < rules_.size(); ++i) {
    const Rule& rule = rules_[i];
    if (!ends_[i] || !(sms ? rule.sms : rule.email) || !rule.kinds.contains(alert.kind())) {
      continue;
    }
    // Overlapping windows: wait for the last to end rather than wake up in between.
    if (!last || *ends_[i] > *last) last = ends_[i];
  }
  return last;
}

}  // namespace tocsin::dispatch
