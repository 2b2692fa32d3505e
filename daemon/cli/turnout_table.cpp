#include "cli/turnout_table.h"

#include <chrono>
#include <cmath>
#include <string>
#include <vector>

#include "alerts/local_time.h"
#include "util/columns.h"

namespace tocsin::cli {
namespace {

TextRow count_row(const std::string& name, const TurnoutCounts& c) {
  TextRow row{name};
  for (int32_t value : {c.targeted(), c.sent(), c.delivered(), c.failed(), c.opted_out(), c.yes(),
                        c.no(), c.maybe(), c.unknown(), c.no_answer(), c.coming(), c.bus_seats(),
                        c.car_seats()}) {
    row.push_back(std::to_string(value));
  }
  return row;
}

std::string local_time(int64_t unix_ms) {
  if (unix_ms <= 0) return "-";
  const std::chrono::system_clock::time_point when{std::chrono::milliseconds(unix_ms)};
  return alerts::format_in_local_zone(when, "%H:%M:%S");
}

}  // namespace

void print_turnout_table(std::ostream& out, const TurnoutResponse& turnout, int64_t updated_at_ms,
                         bool connected) {
  const auto& alert = turnout.alert();
  out << alert.code() << "  " << alert.title() << "  [" << alert.state() << "]  updated "
      << local_time(updated_at_ms) << (connected ? "" : "  (reconnecting...)") << "\n\n";

  std::vector<TextRow> counts{{"", "targeted", "sent", "delivered", "failed", "opted out", "yes",
                               "no", "maybe", "unknown", "no answer", "coming", "bus", "car"}};
  counts.push_back(count_row("Total", turnout.total()));
  for (const auto& region : turnout.regions()) counts.push_back(count_row(region.name(), region.counts()));
  write_columns(out, counts);

  if (!turnout.pickups().empty()) {
    out << "\n";
    std::vector<TextRow> pickups{{"Pickup point", "region", "bus needed", "capacity", "coming", ""}};
    for (const auto& pickup : turnout.pickups()) {
      pickups.push_back({pickup.name(), pickup.region(), std::to_string(pickup.bus_needed()),
                         pickup.bus_capacity() > 0 ? std::to_string(pickup.bus_capacity()) : "?",
                         std::to_string(pickup.coming()), pickup.over_capacity() ? "OVER" : ""});
    }
    write_columns(out, pickups);
  }
  if (!turnout.targets().empty()) {
    out << "\n";
    std::vector<TextRow> targets{{"Target", "", "goal", "yes", "share"}};
    for (const auto& target : turnout.targets()) {
      targets.push_back({target.dimension(), target.value(), std::to_string(target.target()),
                         std::to_string(target.reached()),
                         std::to_string(static_cast<int>(std::lround(target.share() * 100))) + "%"});
    }
    write_columns(out, targets);
  }
}

}  // namespace tocsin::cli
