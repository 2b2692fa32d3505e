#include "reports/report_csv.h"

#include <gtest/gtest.h>

#include <sstream>

namespace tocsin::reports {
namespace {

std::vector<std::string> lines(const std::string& csv) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < csv.size()) {
    const size_t end = csv.find("\r\n", start);
    EXPECT_NE(end, std::string::npos) << "every line ends in CRLF";
    if (end == std::string::npos) break;
    out.push_back(csv.substr(start, end - start));
    start = end + 2;
  }
  return out;
}

ParticipationCounts counts(int targeted, int yes, int present) {
  ParticipationCounts c;
  c.set_targeted(targeted);
  c.set_reached(targeted);
  c.set_answered(yes);
  c.set_yes(yes);
  c.set_present(present);
  c.set_no_show(yes - present);
  c.set_reach_rate(1.0);
  c.set_answer_rate(static_cast<double>(yes) / targeted);
  c.set_yes_rate(static_cast<double>(yes) / targeted);
  c.set_present_rate(static_cast<double>(present) / targeted);
  c.set_no_show_rate(yes > 0 ? static_cast<double>(yes - present) / yes : 0.0);
  return c;
}

TEST(ReportsReportCsv, OneRowPerGroupAfterTheTotal) {
  ParticipationReport report;
  report.set_min_group(5);
  *report.mutable_total() = counts(20, 8, 6);
  ParticipationGroup* region = report.add_regions();
  region->set_dimension("region");
  region->set_key("estrie");
  region->set_name("Estrie, \"sud\"");
  *region->mutable_counts() = counts(20, 8, 6);
  ParticipationGroup* title = report.add_job_titles();
  title->set_dimension("title");
  title->set_key("=cmd");
  title->set_name("=cmd");
  *title->mutable_counts() = counts(12, 4, 4);
  ParticipationGroup* merged = report.add_job_titles();
  merged->set_dimension("title");
  merged->set_key("*");
  merged->set_merged_groups(3);
  *merged->mutable_counts() = counts(8, 4, 2);

  const auto rows = lines(report_csv(report));
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[0] + "\r\n", kReportHeader);
  EXPECT_EQ(rows[1], "total,,,20,20,8,8,6,0,2,1.0000,0.4000,0.4000,0.3000,0.2500");
  EXPECT_EQ(rows[2], "region,estrie,\"Estrie, \"\"sud\"\"\",20,20,8,8,6,0,2,1.0000,0.4000,0.4000,"
                     "0.3000,0.2500");
  // A name a spreadsheet would run as a formula is defused.
  EXPECT_TRUE(rows[3].starts_with("title,'=cmd,'=cmd,12,")) << rows[3];
  EXPECT_TRUE(rows[4].starts_with("title,*,other: 3 groups under 5 members,8,")) << rows[4];
}

TEST(ReportsReportCsv, ASuppressedReportGivesOnlyTheNumberTargeted) {
  ParticipationReport report;
  report.set_suppressed(true);
  report.mutable_total()->set_targeted(3);
  const auto rows = lines(report_csv(report));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1], "total,,,3,,,,,,,,,,,");
  // As many fields as the header.
  EXPECT_EQ(std::count(rows[1].begin(), rows[1].end(), ','),
            std::count(rows[0].begin(), rows[0].end(), ','));
}

TEST(ReportsReportCsv, LocalsPerAlertThenTheMean) {
  LocalsReport report;
  for (const char* code : {"A9", "A8", "A7"}) {
    TurnoutAlert* alert = report.add_alerts();
    alert->set_id(std::string("id-") + code);
    alert->set_code(code);
    alert->set_title("Assemblée");
  }
  LocalParticipation* local = report.add_locals();
  local->set_key("l-301");
  local->set_name("L-301");
  LocalAlertParticipation* shown = local->add_alerts();
  shown->set_targeted(10);
  shown->set_yes(4);
  shown->set_present(3);
  shown->set_yes_rate(0.4);
  shown->set_present_rate(0.3);
  local->add_alerts()->set_suppressed(true);
  local->add_alerts();
  local->mutable_mean()->set_alerts(1);
  local->mutable_mean()->set_targeted(10);
  local->mutable_mean()->set_yes(4);
  local->mutable_mean()->set_present(3);
  local->mutable_mean()->set_yes_rate(0.4);
  local->mutable_mean()->set_present_rate(0.3);
  const auto rows = lines(locals_csv(report));
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[0] + "\r\n", kLocalsHeader);
  EXPECT_EQ(rows[1], "l-301,L-301,id-A9,A9,Assemblée,,shown,10,4,3,0.4000,0.3000");
  EXPECT_EQ(rows[2], "l-301,L-301,id-A8,A8,Assemblée,,suppressed,,,,,");
  EXPECT_EQ(rows[3], "l-301,L-301,id-A7,A7,Assemblée,,not_targeted,,,,,");
  EXPECT_EQ(rows[4], "l-301,L-301,,,1 alert,,mean,10.0,4.0,3.0,0.4000,0.3000");
  for (const std::string& row : rows) {
    EXPECT_EQ(std::count(row.begin(), row.end(), ','), 11) << row;
  }
}

}  // namespace
}  // namespace tocsin::reports
