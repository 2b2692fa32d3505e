// A coordinator signs in to the dashboard by a one-time code in Debian's chromium (headless,
// driven by tests/browser/sign_in_by_code.mjs with playwright-core), at 390 px and 1280 px,
// in French and English: the code goes out by SMS through the daemon's file gateway, which
// the script reads as the coordinator reads their phone. Once signed in they see their
// region's turnout of an alert sent to a synthetic roster, a reload keeps them signed in,
// and signing out ends the session. Screenshots under the build tree
// (test-artifacts/dashboard-sign-in).

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>

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

class DashboardSignInBrowser : public ::testing::Test {
 protected:
  testing::TempDir dir_;
  fs::path sms_file_ = dir_.path() / "sms.jsonl";
  testing::AlertScenario scenario_{
      {.gateways = "gateways { name: \"sms\" rate_per_second: 500 file { channel: \"sms\" "
                   "path: \"" +
                   sms_file_.string() + "\" } }\n"}};
};

TEST_F(DashboardSignInBrowser,
       ACoordinatorSignsInByCodeSeesTheirRegionStaysAfterAReloadAndSignsOut) {
  if (const std::string missing = testing::browser_missing(); !missing.empty()) {
    GTEST_SKIP() << missing;
  }

  testing::RosterOptions roster;
  roster.members = 60;
  const auto members = scenario_.import_roster(roster);
  std::map<std::string, int> per_region;
  for (const auto& member : members) ++per_region[member.region];
  std::string region;
  for (const auto& [name, count] : per_region) {
    if (region.empty() || count > per_region[region]) region = name;
  }
  const auto alert = scenario_.send_and_wait(
      testing::alert_json("SMS", R"({"sms":"{first_name}, assemblée. OUI {code} ou NON {code}."})"),
      60s);

  auto& daemon = scenario_.daemon();
  auto created =
      testing::http_request("POST", daemon.base_url() + "/v1/accounts",
                            R"({"name":"Luc Gagnon","role":"coordinator","regions":[)" +
                                json_string(region) + R"(],"mobile":"+15145550101"})",
                            {scenario_.authorization(), "Content-Type: application/json"});
  ASSERT_EQ(created.status, 201) << created.body;

  const fs::path artifacts = fs::path(TOCSIN_TEST_ARTIFACTS_DIR) / "dashboard-sign-in";
  fs::remove_all(artifacts);
  fs::create_directories(artifacts);
  const std::string settings =
      "{\"url\":" + json_string(daemon.base_url()) + ",\"chromium\":" + json_string(kChromium) +
      ",\"artifacts_dir\":" + json_string(artifacts.string()) + ",\"strings_module\":" +
      json_string((fs::path(TOCSIN_SOURCE_DIR) / "daemon" / "dashboard" / "strings.js").string()) +
      ",\"alert_id\":" + json_string(alert.id) +
      ",\"sms_file\":" + json_string(sms_file_.string()) +
      R"(,"mobile":"+15145550101","typed_mobile":"514 555-0101","region":)" + json_string(region) +
      "}";
  const testing::BrowserRun run =
      testing::run_browser_script("sign_in_by_code.mjs", settings, 180s);
  EXPECT_TRUE(run.passed()) << "stdout:\n" << run.out << "\nstderr:\n" << run.err;
  for (const char* lang : {"fr", "en"}) {
    for (const char* width : {"390", "1280"}) {
      for (const char* step : {"sign-in", "sign-in-code", "signed-in"}) {
        const fs::path path = artifacts / (std::string(step) + "-" + lang + "-" + width + ".png");
        EXPECT_TRUE(fs::exists(path)) << path << " not taken";
      }
    }
  }
}

}  // namespace
}  // namespace tocsin
