// The participation report in the console (tests/browser/participation_report.mjs), in
// Debian's chromium, against the report fixture (report_fixture.h: a real tocsind and
// redis-server, an assembly sent to 2,000 members, replies through the webhook,
// check-ins): an executive at 390 px and 1280 px, in French and English, opens the report
// from the list of alerts, reads the API's totals, sorts a table, downloads the CSV (the
// API's, byte for byte), then the locals across alerts; axe finds nothing; a coordinator
// opens it from the alert's page and sees their one region. Screenshots under the build
// tree (test-artifacts/participation-report).

#include <filesystem>
#include <fstream>
#include <iostream>

#include "http/json.h"
#include "proto/report.pb.h"
#include "reports/report_csv.h"
#include "tests/integration/report_fixture.h"
#include "tests/support/browser.h"
#include "tests/support/sign_in.h"

namespace tocsin {
namespace {

namespace fs = std::filesystem;
using testing::json_string;

class ReportsBrowser : public testing::ReportFixture {};

TEST_F(ReportsBrowser, OfficersReadTheReportSortItAndDownloadItsCsvOnAPhoneAndALaptop) {
  if (const std::string missing = testing::browser_missing(); !missing.empty()) {
    GTEST_SKIP() << missing;
  }
  auto& daemon = scenario_->daemon();
  const auto texts_to = [](std::string number) {
    return [number] {
      std::vector<std::string> texts;
      for (const auto& message : twilio_->messages()) {
        if (message.to == number) texts.push_back(message.body);
      }
      return texts;
    };
  };
  const std::string executive = testing::session_by_code(
      daemon, scenario_->token(), R"({"name":"Exécutif","role":"executive","mobile":"+15145550102"})",
      "+15145550102", texts_to("+15145550102"));
  const std::string coordinator = testing::session_by_code(
      daemon, scenario_->token(),
      R"({"name":"Coordination","role":"coordinator","mobile":"+15145550103","regions":[)" +
          json_string(region_) + "]}",
      "+15145550103", texts_to("+15145550103"));
  ASSERT_FALSE(executive.empty());
  ASSERT_FALSE(coordinator.empty());

  const auto answer =
      testing::http_get(url("/v1/alerts/" + id_ + "/report"), testing::bearer(scenario_->token()));
  ParticipationReport report;
  std::string error;
  ASSERT_TRUE(http::from_json(answer.body, &report, &error)) << error;
  const std::string csv =
      testing::http_get(url("/v1/alerts/" + id_ + "/report.csv"), testing::bearer(scenario_->token()))
          .body;
  int in_region = 0;
  for (const auto& m : *roster_) in_region += m.region == region_;
  const ParticipationCounts& total = report.total();

  const fs::path artifacts = fs::path(TOCSIN_TEST_ARTIFACTS_DIR) / "participation-report";
  fs::remove_all(artifacts);
  fs::create_directories(artifacts);
  // The CSV goes by file: it holds line breaks, which the settings' JSON strings do not.
  const fs::path csv_file = artifacts / "expected-report.csv";
  std::ofstream(csv_file, std::ios::binary) << csv;
  const std::string settings =
      "{\"url\":" + json_string(daemon.base_url()) + ",\"chromium\":" + json_string(testing::kChromium) +
      ",\"artifacts_dir\":" + json_string(artifacts.string()) + ",\"alert_id\":" + json_string(id_) +
      ",\"alert_code\":" + json_string(report.alert().code()) +
      ",\"executive_session\":" + json_string(executive) +
      ",\"coordinator_session\":" + json_string(coordinator) + ",\"totals\":{\"targeted\":" +
      std::to_string(total.targeted()) + ",\"yes\":" + std::to_string(total.yes()) +
      ",\"present\":" + std::to_string(total.present()) +
      ",\"present_self\":" + std::to_string(total.present_self()) +
      ",\"no_show\":" + std::to_string(total.no_show()) + "},\"coordinator_targeted\":" +
      std::to_string(in_region) + ",\"csv_file\":" + json_string(csv_file.string()) +
      ",\"locals_csv_header\":" + json_string(std::string(reports::kLocalsHeader.substr(0, reports::kLocalsHeader.size() - 2))) +
      "}";
  const testing::BrowserRun run =
      testing::run_browser_script("participation_report.mjs", settings, std::chrono::seconds(240));
  EXPECT_TRUE(run.passed()) << "stdout:\n" << run.out << "\nstderr:\n" << run.err;
  for (const char* lang : {"fr", "en"}) {
    for (const char* width : {"390", "1280"}) {
      for (const char* page : {"report", "locals"}) {
        const fs::path shot = artifacts / (std::string(page) + "-" + lang + "-" + width + ".png");
        EXPECT_TRUE(fs::exists(shot)) << shot << " not taken";
      }
    }
  }
}

}  // namespace
}  // namespace tocsin
