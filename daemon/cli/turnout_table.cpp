#include "cli/turnout_table.h"

#include <chrono>
#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include "alerts/local_time.h"
#include "util/columns.h"
#include "util/control_characters.h"

namespace tocsin::cli {
namespace {

using Counts = std::vector<int32_t>;

TextRow count_row(const std::string& name, const Counts& values) {
  TextRow row{name};
  for (int32_t value : values) row.push_back(std::to_string(value));
  return row;
}

Counts delivery_counts(const TurnoutCounts& c) {
  return {c.targeted(), c.sent(), c.delivered(), c.failed(), c.opted_out()};
}

Counts answer_counts(const TurnoutCounts& c) {
  return {c.yes(), c.no(), c.maybe(), c.unknown(), c.no_answer()};
}

Counts transport_counts(const TurnoutCounts& c) {
  return {c.coming(), c.bus_seats(), c.car_seats()};
}

// At the door: checked in by a coordinator, and by the member's own SMS (shown apart).
Counts door_counts(const TurnoutCounts& c) { return {c.present(), c.present_self()}; }

// The door's table once anyone is checked in (before, it would only say 0).
bool has_checkins(const TurnoutResponse& turnout) {
  return turnout.total().present() + turnout.total().present_self() > 0;
}

// Total, then each region, with the counts `pick` chooses.
std::vector<TextRow> count_rows(const TextRow& header, const TurnoutResponse& turnout,
                                Counts (*pick)(const TurnoutCounts&)) {
  std::vector<TextRow> rows{header};
  rows.push_back(count_row("Total", pick(turnout.total())));
  for (const auto& region : turnout.regions()) {
    rows.push_back(count_row(region.name(), pick(region.counts())));
  }
  return rows;
}

Counts all_counts(const TurnoutCounts& c) {
  Counts values = delivery_counts(c);
  for (const Counts& more : {answer_counts(c), transport_counts(c)}) {
    values.insert(values.end(), more.begin(), more.end());
  }
  return values;
}

std::string local_time(int64_t unix_ms) {
  if (unix_ms <= 0) return "-";
  const std::chrono::system_clock::time_point when{std::chrono::milliseconds(unix_ms)};
  return alerts::format_in_local_zone(when, "%H:%M:%S");
}

std::vector<TextRow> pickup_rows(const TurnoutResponse& turnout) {
  std::vector<TextRow> pickups{
      {"Pickup point", "region", "bus needed", "capacity", "coming", "seated", "waiting", ""}};
  for (const auto& pickup : turnout.pickups()) {
    // A pickup point with buses gives seats out: its capacity is its buses' now, and its
    // waitlist says what the capacity misses.
    const bool allocates = pickup.seats_per_bus() > 0;
    const int capacity =
        allocates ? pickup.buses() * pickup.seats_per_bus() : pickup.bus_capacity();
    std::string note = pickup.over_capacity() ? "OVER" : "";
    if (allocates) {
      note = std::to_string(pickup.buses()) + " buses" +
             (pickup.waitlisted() > 0 ? ", FULL" : "");
    }
    pickups.push_back({pickup.name(), pickup.region(), std::to_string(pickup.bus_needed()),
                       capacity > 0 ? std::to_string(capacity) : "?",
                       std::to_string(pickup.coming()),
                       allocates ? std::to_string(pickup.seated()) : "-",
                       allocates ? std::to_string(pickup.waitlisted()) : "-", note});
  }
  return pickups;
}

std::vector<TextRow> target_rows(const TurnoutResponse& turnout) {
  // Quorums (members present needed) in two more columns, when any target has one.
  bool quorums = false;
  for (const auto& target : turnout.targets()) quorums |= target.quorum() > 0;
  std::vector<TextRow> targets{{"Target", "", "goal", "yes", "share"}};
  if (quorums) targets[0].insert(targets[0].end(), {"quorum", "present"});
  for (const auto& target : turnout.targets()) {
    TextRow row{target.dimension(), target.value(), std::to_string(target.target()),
                std::to_string(target.reached()),
                std::to_string(static_cast<int>(std::lround(target.share() * 100))) + "%"};
    if (quorums) {
      row.push_back(target.quorum() > 0 ? std::to_string(target.quorum()) : "-");
      row.push_back(std::to_string(target.present()) +
                    (target.quorum() > 0 && target.present() >= target.quorum() ? " ok" : ""));
    }
    targets.push_back(std::move(row));
  }
  return targets;
}

const TextRow kDeliveryHeader{"", "targeted", "sent", "delivered", "failed", "opted out"};
const TextRow kAnswerHeader{"", "yes", "no", "maybe", "unknown", "no answer"};
const TextRow kTransportHeader{"", "coming", "bus", "car"};
const TextRow kDoorHeader{"", "present", "by SMS"};

// The wide layout: one table of every count, one line per region.
void print_wide(std::ostream& out, const TurnoutResponse& turnout, const std::string& heading) {
  out << heading << "\n\n";
  TextRow header = kDeliveryHeader;
  header.insert(header.end(), kAnswerHeader.begin() + 1, kAnswerHeader.end());
  header.insert(header.end(), kTransportHeader.begin() + 1, kTransportHeader.end());
  write_columns(out, count_rows(header, turnout, all_counts));
  if (has_checkins(turnout)) {
    out << "\n";
    write_columns(out, count_rows(kDoorHeader, turnout, door_counts));
  }
  if (!turnout.pickups().empty()) {
    out << "\n";
    write_columns(out, pickup_rows(turnout));
  }
  if (!turnout.targets().empty()) {
    out << "\n";
    write_columns(out, target_rows(turnout));
  }
}

// The narrow layout, within `width` columns: three tables of counts (delivery, answers,
// transport), names cut to fit. Down to 51 columns every count stays whole; narrower, lines
// are cut at the edge rather than wrapped.
void print_narrow(std::ostream& out, const TurnoutResponse& turnout, const std::string& status,
                  size_t width) {
  out << fit_width(escape_control_characters(status), width) << "\n"
      << fit_width(escape_control_characters(turnout.alert().title()), width) << "\n\n";
  write_columns_within(out, count_rows(kDeliveryHeader, turnout, delivery_counts), width, {0});
  out << "\n";
  write_columns_within(out, count_rows(kAnswerHeader, turnout, answer_counts), width, {0});
  out << "\n";
  write_columns_within(out, count_rows(kTransportHeader, turnout, transport_counts), width, {0});
  if (has_checkins(turnout)) {
    out << "\n";
    write_columns_within(out, count_rows(kDoorHeader, turnout, door_counts), width, {0});
  }
  if (!turnout.pickups().empty()) {
    out << "\n";
    write_columns_within(out, pickup_rows(turnout), width, {0, 1});
  }
  if (!turnout.targets().empty()) {
    out << "\n";
    write_columns_within(out, target_rows(turnout), width, {0, 1});
  }
}

bool fits(const std::string& text, size_t width) {
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (display_width(line) > width) return false;
  }
  return true;
}

}  // namespace

void print_turnout_table(std::ostream& out, const TurnoutResponse& turnout, int64_t updated_at_ms,
                         bool connected, size_t width) {
  const auto& alert = turnout.alert();
  const std::string state = "[" + alert.state() + "]  updated " + local_time(updated_at_ms) +
                            (connected ? "" : "  (reconnecting...)");
  std::ostringstream wide;
  print_wide(wide, turnout,
             escape_control_characters(alert.code() + "  " + alert.title() + "  " + state));
  if (width == 0 || fits(wide.str(), width)) {
    out << wide.str();
  } else {
    print_narrow(out, turnout, alert.code() + "  " + state, width);
  }
}

}  // namespace tocsin::cli
