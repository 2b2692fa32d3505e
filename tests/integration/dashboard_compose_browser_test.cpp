// An executive composes an emergency assembly in the console, in Debian's chromium
// (headless, driven by tests/browser/compose_alert.mjs with playwright-core), at 390 px and
// 1280 px, in French and English, against a real tocsind and redis-server with a synthetic
// roster of 12,000 members: signed in by a code read from the SMS gateway's output, from the
// kind's template, with date and time pickers on the union's clock, regions picked with the
// live count, a misspelt region flagged before "create" (which stays disabled), the SMS
// counter turning UCS-2 on "ê" and back after "fold accents", then the draft created and
// opened, then duplicated (#new&from=ID); and an admin whose template edit is refused
// beside the field, then saved. Prints the actions of each; screenshots under the build
// tree (test-artifacts/console-compose).

#include <gtest/gtest.h>

#include <filesystem>
#include <iostream>

#include "tests/support/alert_scenario.h"
#include "tests/support/browser.h"
#include "tests/support/daemon_process.h"
#include "tests/support/http_client.h"
#include "tests/support/temp_dir.h"

namespace tocsin {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using testing::json_string;
using testing::kChromium;

const fs::path kDashboard = fs::path(TOCSIN_SOURCE_DIR) / "daemon" / "dashboard";

class DashboardComposeBrowser : public ::testing::Test {
 protected:
  testing::TempDir dir_;
  fs::path sms_file_ = dir_.path() / "sms.jsonl";
  testing::AlertScenario scenario_{
      {.gateways = "gateways { name: \"sms\" rate_per_second: 500 file { channel: \"sms\" "
                   "path: \"" +
                   sms_file_.string() + "\" } }\n"}};
};

TEST_F(DashboardComposeBrowser,
       AnOfficerComposesFromATemplateIsStoppedByAMisspeltRegionCreatesAndAnAdminEditsATemplate) {
  if (const std::string missing = testing::browser_missing(); !missing.empty()) {
    GTEST_SKIP() << missing;
  }

  testing::RosterOptions roster;
  roster.members = 12'000;
  scenario_.import_roster(roster);

  auto& daemon = scenario_.daemon();
  auto created = testing::http_request(
      "POST", daemon.base_url() + "/v1/accounts",
      R"({"name":"Marie Tremblay","role":"executive","mobile":"+15145550177"})",
      {scenario_.authorization(), "Content-Type: application/json"});
  ASSERT_EQ(created.status, 201) << created.body;
  auto admin =
      testing::http_request("POST", daemon.base_url() + "/v1/accounts",
                            R"({"name":"Ginette Roy","role":"admin","mobile":"+15145550178"})",
                            {scenario_.authorization(), "Content-Type: application/json"});
  ASSERT_EQ(admin.status, 201) << admin.body;

  const fs::path artifacts = fs::path(TOCSIN_TEST_ARTIFACTS_DIR) / "console-compose";
  fs::remove_all(artifacts);
  fs::create_directories(artifacts);
  const std::string settings =
      "{\"url\":" + json_string(daemon.base_url()) + ",\"chromium\":" + json_string(kChromium) +
      ",\"artifacts_dir\":" + json_string(artifacts.string()) +
      ",\"strings_module\":" + json_string((kDashboard / "strings.js").string()) +
      ",\"zoned_time_module\":" + json_string((kDashboard / "zoned_time.js").string()) +
      ",\"sms_file\":" + json_string(sms_file_.string()) +
      R"(,"mobile":"+15145550177","typed_mobile":"514 555-0177","admin_mobile":"+15145550178",)"
      R"("admin_typed_mobile":"(514) 555-0178","time_zone":"America/Toronto"})";
  const auto started = std::chrono::steady_clock::now();
  const testing::BrowserRun run = testing::run_browser_script("compose_alert.mjs", settings, 180s);
  EXPECT_TRUE(run.passed()) << "stdout:\n" << run.out << "\nstderr:\n" << run.err;
  // The officer's actions, for the record.
  for (const std::string& line : run.lines_starting("ACTIONS ")) std::cout << line << "\n";
  std::cout << "browser run: "
            << std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() -
                                                                started)
                   .count()
            << " s\n";
  for (const char* shot : {"template-refused-fr-390", "template-saved-fr-390",
                           "template-refused-en-1280", "template-saved-en-1280"}) {
    EXPECT_TRUE(fs::exists(artifacts / (std::string(shot) + ".png"))) << shot << " not taken";
  }
  for (const char* lang : {"fr", "en"}) {
    for (const char* width : {"390", "1280"}) {
      for (const char* step :
           {"compose-misspelt", "compose-ucs2", "compose-ready", "compose-created"}) {
        const fs::path path = artifacts / (std::string(step) + "-" + lang + "-" + width + ".png");
        EXPECT_TRUE(fs::exists(path)) << path << " not taken";
      }
    }
  }
}

}  // namespace
}  // namespace tocsin
