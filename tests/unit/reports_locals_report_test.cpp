#include "reports/locals_report.h"

#include <gtest/gtest.h>

#include <initializer_list>

#include "turnout/reach_count.h"

namespace tocsin::reports {
namespace {

using turnout::RawFields;

void add_members(RawFields& raw, int n, const turnout::Place& place,
                 std::initializer_list<const char*> measures) {
  for (int i = 0; i < n; ++i) {
    for (const std::string& prefix : turnout::field_prefixes(place)) {
      for (const char* measure : measures) ++raw[prefix + measure];
    }
  }
}

AlertCounts alert_counts(const std::string& id, RawFields raw) {
  AlertCounts counts;
  counts.alert.set_id(id);
  counts.alert.set_code(id);
  counts.alert.set_kind(EMERGENCY_ASSEMBLY);
  counts.state = "sent";
  counts.raw = std::move(raw);
  return counts;
}

const LocalParticipation& local(const LocalsReport& report, const std::string& key) {
  for (const LocalParticipation& row : report.locals()) {
    if (row.key() == key) return row;
  }
  throw std::runtime_error("no local " + key);
}

TEST(ReportsLocalsReport, EachLocalInEachAlertAndTheMean) {
  RawFields newer, older;
  // L-301: 10 targeted, 4 yes, 3 present, then 10, 6, 5. L-900 only in the newer alert.
  add_members(newer, 3, {"estrie", "", "l-301", ""}, {"targeted", "yes", "present"});
  add_members(newer, 1, {"estrie", "", "l-301", ""}, {"targeted", "yes"});
  add_members(newer, 6, {"estrie", "", "l-301", ""}, {"targeted"});
  add_members(newer, 8, {"laval", "", "l-900", ""}, {"targeted", "yes", "present"});
  add_members(older, 5, {"estrie", "", "l-301", ""}, {"targeted", "yes", "present"});
  add_members(older, 1, {"laval", "", "l-301", ""}, {"targeted", "yes"});  // summed over regions
  add_members(older, 4, {"estrie", "", "l-301", ""}, {"targeted"});
  const auto report = build_locals_report(
      "EMERGENCY_ASSEMBLY", 5, {alert_counts("A9", newer), alert_counts("A8", older)},
      {{"local:l-301", "L-301"}}, turnout::Scope::everything());
  ASSERT_EQ(report.alerts_size(), 2);
  EXPECT_EQ(report.alerts(0).code(), "A9");
  const LocalParticipation& l301 = local(report, "l-301");
  EXPECT_EQ(l301.name(), "L-301");
  ASSERT_EQ(l301.alerts_size(), 2);
  EXPECT_EQ(l301.alerts(0).targeted(), 10);
  EXPECT_EQ(l301.alerts(0).yes(), 4);
  EXPECT_EQ(l301.alerts(0).present(), 3);
  EXPECT_DOUBLE_EQ(l301.alerts(0).present_rate(), 0.3);
  EXPECT_EQ(l301.alerts(1).targeted(), 10);
  EXPECT_EQ(l301.alerts(1).yes(), 6);
  EXPECT_EQ(l301.alerts(1).present(), 5);
  EXPECT_EQ(l301.mean().alerts(), 2);
  EXPECT_DOUBLE_EQ(l301.mean().targeted(), 10);
  EXPECT_DOUBLE_EQ(l301.mean().present(), 4);
  EXPECT_DOUBLE_EQ(l301.mean().present_rate(), 0.4);
  EXPECT_DOUBLE_EQ(l301.mean().yes_rate(), 0.5);
  const LocalParticipation& l900 = local(report, "l-900");
  EXPECT_EQ(l900.alerts(0).targeted(), 8);
  EXPECT_EQ(l900.alerts(1).targeted(), 0);  // not in the older alert's audience
  EXPECT_FALSE(l900.alerts(1).suppressed());
  EXPECT_EQ(l900.mean().alerts(), 1);
}

TEST(ReportsLocalsReport, ALocalMergedInTheAlertsReportIsSuppressedHereToo) {
  RawFields raw;
  add_members(raw, 20, {"estrie", "", "l-301", ""}, {"targeted", "yes"});
  add_members(raw, 6, {"estrie", "", "l-302", ""}, {"targeted", "yes"});
  add_members(raw, 2, {"estrie", "", "l-303", ""}, {"targeted", "yes", "present"});
  const auto report = build_locals_report("EMERGENCY_ASSEMBLY", 5, {alert_counts("A1", raw)}, {},
                                          turnout::Scope::everything());
  // The alert's own report merges l-303 (2) with l-302 (6): neither is given here.
  const ParticipationReport alert_report =
      build_report(Alert(), "sent", raw, {}, turnout::Scope::everything());
  ASSERT_EQ(alert_report.locals_size(), 2);
  EXPECT_EQ(alert_report.locals(1).key(), "*");
  EXPECT_TRUE(local(report, "l-303").alerts(0).suppressed());
  EXPECT_EQ(local(report, "l-303").alerts(0).present(), 0);
  EXPECT_TRUE(local(report, "l-302").alerts(0).suppressed());
  EXPECT_FALSE(local(report, "l-301").alerts(0).suppressed());
  EXPECT_EQ(local(report, "l-303").mean().alerts(), 0);
}

TEST(ReportsLocalsReport, ACoordinatorSeesTheirRegionsOnly) {
  RawFields raw;
  add_members(raw, 7, {"estrie", "", "l-301", ""}, {"targeted", "yes"});
  add_members(raw, 9, {"laval", "", "l-301", ""}, {"targeted"});
  add_members(raw, 9, {"laval", "", "l-900", ""}, {"targeted"});
  const auto report = build_locals_report("EMERGENCY_ASSEMBLY", 5, {alert_counts("A1", raw)}, {},
                                          turnout::Scope::of_regions({"estrie"}));
  ASSERT_EQ(report.locals_size(), 1);
  EXPECT_EQ(report.locals(0).key(), "l-301");
  EXPECT_EQ(report.locals(0).alerts(0).targeted(), 7);
}

}  // namespace
}  // namespace tocsin::reports
