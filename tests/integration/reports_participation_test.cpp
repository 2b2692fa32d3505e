// The participation report (issue 18, "Afterwards") through a real redis-server, tocsind
// and the Twilio-shaped server (report_fixture.h: an assembly sent to 2,000 members, replies
// through the inbound webhook, check-ins): GET /v1/alerts/{id}/report equals the report
// built from a recount of the stored RSVPs, check-ins, places and delivery states (the
// counts-never-drift rule) and the figures the fixture made; a coordinator gets their
// region only; the CSV has one row per group; no name or member id is in any of it; the
// locals across alerts agree with the alert's report; `tocsin report` is run as a binary.

#include <google/protobuf/util/message_differencer.h>

#include "http/json.h"
#include "members/turnout_field.h"
#include "proto/report.pb.h"
#include "reports/no_shows.h"
#include "reports/participation.h"
#include "reports/report_csv.h"
#include "tests/integration/report_fixture.h"
#include "tests/support/subprocess.h"

namespace tocsin {
namespace {

using testing::bearer;
using testing::http_get;

class ReportsParticipation : public testing::ReportFixture {
 protected:
  template <class Message>
  static Message get_json(const std::string& path, const std::string& token) {
    auto response = http_get(url(path), bearer(token));
    EXPECT_EQ(response.status, 200) << path << ": " << response.body;
    Message message;
    std::string error;
    EXPECT_TRUE(http::from_json(response.body, &message, &error)) << error << response.body;
    return message;
  }

  static testing::CommandResult cli(const std::string& token, std::vector<std::string> args) {
    args.insert(args.begin(), TOCSIN_CLI_PATH);
    return testing::run_command(
        args, {{"TOCSIN_URL", scenario_->daemon().base_url()}, {"TOCSIN_TOKEN", token}});
  }

  // The report built from what is stored per member, for this scope.
  static ParticipationReport recounted(const turnout::Scope& scope) {
    const std::string base = "alert:{" + id_ + "}";
    std::set<std::string> unreachable;
    for (const auto& m : scenario_->redis().command({"SMEMBERS", base + ":unreachable"}).elements) {
      unreachable.insert(m.str);
    }
    const auto fields = reports::recount(hash(base + ":rsvp"), hash(base + ":present"),
                                         hash(base + ":dims"), hash(base + ":delivery"),
                                         unreachable);
    Alert alert;
    EXPECT_TRUE(alert.ParseFromString(scenario_->redis().text({"HGET", base, "proto"})));
    const auto labels = hash("labels");
    return reports::build_report(alert, "sent", fields,
                                 turnout::Labels(labels.begin(), labels.end()), scope);
  }

  static void expect_same(const ParticipationReport& got, const ParticipationReport& want) {
    google::protobuf::util::MessageDifferencer differ;
    std::string diff;
    differ.ReportDifferencesToString(&diff);
    EXPECT_TRUE(differ.Compare(want, got)) << diff;
  }
};

TEST_F(ReportsParticipation, TheReportEqualsARecountFromStoredRsvpsAndCheckIns) {
  const auto report = get_json<ParticipationReport>("/v1/alerts/" + id_ + "/report",
                                                    scenario_->token());
  expect_same(report, recounted(turnout::Scope::everything()));

  // And the figures the fixture made, counted here.
  const ParticipationCounts& total = report.total();
  EXPECT_EQ(total.targeted(), static_cast<int>(kMembers));
  EXPECT_EQ(total.yes(), 30);
  EXPECT_EQ(total.no(), 12);
  EXPECT_EQ(total.maybe(), 8);
  EXPECT_EQ(total.answered(), 50);
  EXPECT_EQ(total.present(), 24);  // 18 scanned, 4 by hand, 2 of the no
  EXPECT_EQ(total.present_self(), 3);
  EXPECT_EQ(total.no_show(), 5);
  EXPECT_EQ(total.reached(), scenario_->count(id_, "sent") + scenario_->count(id_, "delivered"));
  EXPECT_DOUBLE_EQ(total.no_show_rate(), 5.0 / 30.0);
  EXPECT_DOUBLE_EQ(total.present_rate(), 24.0 / kMembers);
  EXPECT_FALSE(report.suppressed());

  // Every breakdown adds up to the total, and no group is about fewer than 5 members.
  for (const auto* groups :
       {&report.regions(), &report.sectors(), &report.locals(), &report.job_titles()}) {
    int targeted = 0, yes = 0, present = 0, no_show = 0;
    for (const ParticipationGroup& group : *groups) {
      EXPECT_GE(group.counts().targeted(), 5) << group.dimension() << " " << group.key();
      targeted += group.counts().targeted();
      yes += group.counts().yes();
      present += group.counts().present();
      no_show += group.counts().no_show();
    }
    ASSERT_FALSE(groups->empty());
    SCOPED_TRACE(groups->Get(0).dimension());
    EXPECT_EQ(targeted, total.targeted());
    EXPECT_EQ(yes, total.yes());
    EXPECT_EQ(present, total.present());
    EXPECT_EQ(no_show, total.no_show());
  }
  // 2,000 members over 300 locals: some locals are small and merged.
  EXPECT_EQ(report.locals().rbegin()->key(), "*");
  EXPECT_GT(report.locals().rbegin()->merged_groups(), 0);
}

TEST_F(ReportsParticipation, ACoordinatorGetsTheirRegionOnly) {
  const auto report =
      get_json<ParticipationReport>("/v1/alerts/" + id_ + "/report", coordinator());
  const std::string part = turnout::key_part(members::fold(region_));
  expect_same(report, recounted(turnout::Scope::of_regions({part})));
  ASSERT_EQ(report.regions_size(), 1);
  EXPECT_EQ(report.regions(0).key(), part);
  int in_region = 0;
  for (const auto& m : *roster_) in_region += m.region == region_;
  EXPECT_EQ(report.total().targeted(), in_region);
  ASSERT_EQ(report.scope_regions_size(), 1);

  std::string other;
  for (const auto& m : *roster_) {
    if (m.region != region_) other = m.region;
  }
  for (const char* path : {"/report", "/report.csv"}) {
    auto refused = http_get(url("/v1/alerts/" + id_ + path + "?region=" +
                                turnout::key_part(members::fold(other))),
                            bearer(coordinator()));
    EXPECT_EQ(refused.status, 403) << refused.body;
    EXPECT_NE(refused.body.find("\"field\":\"region\""), std::string::npos) << refused.body;
  }
}

TEST_F(ReportsParticipation, TheCsvHasOneRowPerGroupAndNoNameOrMemberId) {
  auto response = http_get(url("/v1/alerts/" + id_ + "/report.csv"), bearer(scenario_->token()));
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.content_type, "text/csv; charset=utf-8");
  EXPECT_NE(response.header("Content-Disposition").find("attachment; filename=\"report-"),
            std::string::npos);
  const auto report = get_json<ParticipationReport>("/v1/alerts/" + id_ + "/report",
                                                    scenario_->token());
  EXPECT_EQ(response.body, reports::report_csv(report));
  size_t rows = 0, start = 0;
  const size_t columns = std::count(reports::kReportHeader.begin(), reports::kReportHeader.end(), ',');
  while (start < response.body.size()) {
    const size_t end = response.body.find("\r\n", start);
    ASSERT_NE(end, std::string::npos);
    const std::string row = response.body.substr(start, end - start);
    if (row.find('"') == std::string::npos) {
      EXPECT_EQ(static_cast<size_t>(std::count(row.begin(), row.end(), ',')), columns) << row;
    }
    ++rows;
    start = end + 2;
  }
  EXPECT_EQ(rows, 2u + report.regions_size() + report.sectors_size() + report.locals_size() +
                      report.job_titles_size());

  const std::string json =
      http_get(url("/v1/alerts/" + id_ + "/report"), bearer(scenario_->token())).body;
  for (const auto& m : *roster_) {
    for (const std::string* body : {&std::as_const(response.body), &json}) {
      EXPECT_EQ(body->find(m.id), std::string::npos) << m.id;
      EXPECT_EQ(body->find(m.first_name + " " + m.last_name), std::string::npos) << m.last_name;
      EXPECT_EQ(body->find(m.phone), std::string::npos) << m.id;
    }
  }
}

TEST_F(ReportsParticipation, LocalsAcrossAlertsAgreeWithTheAlertsReport) {
  const auto locals = get_json<LocalsReport>("/v1/reports/locals", scenario_->token());
  EXPECT_EQ(locals.kind(), "EMERGENCY_ASSEMBLY");
  EXPECT_EQ(locals.last(), 5);
  ASSERT_EQ(locals.alerts_size(), 1);
  EXPECT_EQ(locals.alerts(0).id(), id_);
  const auto report = get_json<ParticipationReport>("/v1/alerts/" + id_ + "/report",
                                                    scenario_->token());
  std::map<std::string, ParticipationCounts> shown;
  for (const ParticipationGroup& group : report.locals()) shown[group.key()] = group.counts();
  ASSERT_FALSE(locals.locals().empty());
  int shown_cells = 0;
  for (const LocalParticipation& local : locals.locals()) {
    ASSERT_EQ(local.alerts_size(), 1);
    const LocalAlertParticipation& cell = local.alerts(0);
    SCOPED_TRACE(local.key());
    if (cell.suppressed()) {
      EXPECT_FALSE(shown.contains(local.key()));  // merged in the report's "*" too
      EXPECT_EQ(cell.targeted() + cell.yes() + cell.present(), 0);
      continue;
    }
    ASSERT_TRUE(shown.contains(local.key()));
    ++shown_cells;
    EXPECT_EQ(cell.targeted(), shown[local.key()].targeted());
    EXPECT_EQ(cell.yes(), shown[local.key()].yes());
    EXPECT_EQ(cell.present(), shown[local.key()].present());
    EXPECT_EQ(local.mean().alerts(), 1);
    EXPECT_DOUBLE_EQ(local.mean().present(), cell.present());
  }

  EXPECT_GT(shown_cells, 0);

  // Other kinds: none sent. Bad input is refused with the field.
  EXPECT_EQ(get_json<LocalsReport>("/v1/reports/locals?kind=STRIKE_VOTE&last=3", coordinator())
                .alerts_size(),
            0);
  for (const auto& [query, field] : std::vector<std::pair<std::string, std::string>>{
           {"?kind=PARTY", "kind"}, {"?last=0", "last"}, {"?last=51", "last"}, {"?last=2x", "last"}}) {
    auto refused = http_get(url("/v1/reports/locals" + query), bearer(scenario_->token()));
    EXPECT_EQ(refused.status, 400) << query << refused.body;
    EXPECT_NE(refused.body.find("\"field\":\"" + field + "\""), std::string::npos) << refused.body;
  }
  auto csv = http_get(url("/v1/reports/locals.csv?last=2"), bearer(coordinator()));
  ASSERT_EQ(csv.status, 200) << csv.body;
  EXPECT_TRUE(csv.body.starts_with(reports::kLocalsHeader)) << csv.body;
}

TEST_F(ReportsParticipation, TocsinReportPrintsTheTablesAndTheCsv) {
  const auto table = cli(scenario_->token(), {"report", id_});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  for (const char* part : {"Total", "By region", "By sector", "By local", "By job title",
                           "No-show", "Present %"}) {
    EXPECT_NE(table.out.find(part), std::string::npos) << part << "\n" << table.out;
  }
  const auto csv = cli(scenario_->token(), {"report", id_, "--csv"});
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  EXPECT_EQ(csv.out,
            http_get(url("/v1/alerts/" + id_ + "/report.csv"), bearer(scenario_->token())).body);

  const auto locals = cli(coordinator(), {"report", "locals", "--last", "3"});
  ASSERT_EQ(locals.exit_code, 0) << locals.err;
  EXPECT_NE(locals.out.find("Mean present"), std::string::npos) << locals.out;

  const auto bad = cli(scenario_->token(), {"report", "locals", "--kind", "PARTY"});
  EXPECT_EQ(bad.exit_code, 2) << bad.out;
  EXPECT_NE(bad.err.find("is not an alert kind"), std::string::npos) << bad.err;
  const auto missing = cli(scenario_->token(), {"report"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("give an alert's id"), std::string::npos) << missing.err;
}

}  // namespace
}  // namespace tocsin
