// An admin manages accounts from the console's page of accounts in Debian's chromium
// (headless, driven by tests/browser/accounts_admin.mjs with playwright-core), at 390 px in
// French and 1280 px in English: a misspelt region is refused beside its field with nothing
// created, a correct account is created, a signed-in coordinator is disabled and their
// session ends; a coordinator is kept out of the page. Screenshots under the build tree
// (test-artifacts/accounts-admin).

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "tests/support/alert_scenario.h"
#include "tests/support/browser.h"
#include "tests/support/daemon_process.h"
#include "tests/support/sign_in.h"
#include "tests/support/temp_dir.h"

namespace tocsin {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using testing::json_string;
using testing::kChromium;

class AccountsAdminBrowser : public ::testing::Test {
 protected:
  // The lines the file gateway wrote for `number` (each holds the message's text).
  std::function<std::vector<std::string>()> texts_to(const std::string& number) const {
    return [this, number] {
      std::vector<std::string> lines;
      std::ifstream in(sms_file_);
      for (std::string line; std::getline(in, line);) {
        if (line.find("\"" + number + "\"") != std::string::npos) lines.push_back(line);
      }
      return lines;
    };
  }

  testing::TempDir dir_;
  fs::path sms_file_ = dir_.path() / "sms.jsonl";
  testing::AlertScenario scenario_{
      {.gateways = "gateways { name: \"sms\" rate_per_second: 500 file { channel: \"sms\" "
                   "path: \"" +
                   sms_file_.string() + "\" } }\n"}};
};

TEST_F(AccountsAdminBrowser, AnAdminCreatesAndDisablesAccountsAndACoordinatorIsKeptOut) {
  if (const std::string missing = testing::browser_missing(); !missing.empty()) {
    GTEST_SKIP() << missing;
  }

  testing::RosterOptions roster;
  roster.members = 40;
  const auto members = scenario_.import_roster(roster);
  std::map<std::string, int> per_region;
  for (const auto& member : members) ++per_region[member.region];
  std::string region;
  for (const auto& [name, count] : per_region) {
    if (name.size() >= 5 && (region.empty() || count > per_region[region])) region = name;
  }
  ASSERT_FALSE(region.empty());

  auto& daemon = scenario_.daemon();
  const std::string admin_session =
      testing::session_by_code(daemon, scenario_.token(),
                               R"({"name":"Sylvie Admin","role":"admin","mobile":"+15145550110"})",
                               "+15145550110", texts_to("+15145550110"));
  const std::string coordinator_session = testing::session_by_code(
      daemon, scenario_.token(),
      R"({"name":"Luc Gagnon","role":"coordinator","mobile":"+15145550111","regions":[)" +
          json_string(region) + "]}",
      "+15145550111", texts_to("+15145550111"));
  ASSERT_FALSE(admin_session.empty());
  ASSERT_FALSE(coordinator_session.empty());

  const fs::path artifacts = fs::path(TOCSIN_TEST_ARTIFACTS_DIR) / "accounts-admin";
  fs::remove_all(artifacts);
  fs::create_directories(artifacts);
  const std::string settings =
      "{\"url\":" + json_string(daemon.base_url()) + ",\"chromium\":" + json_string(kChromium) +
      ",\"artifacts_dir\":" + json_string(artifacts.string()) + ",\"strings_module\":" +
      json_string((fs::path(TOCSIN_SOURCE_DIR) / "daemon" / "dashboard" / "strings.js").string()) +
      ",\"admin_session\":" + json_string(admin_session) +
      ",\"coordinator_session\":" + json_string(coordinator_session) +
      R"(,"coordinator_name":"Luc Gagnon","region":)" + json_string(region) +
      ",\"misspelt\":" + json_string(region.substr(0, region.size() - 1)) + "}";
  const testing::BrowserRun run = testing::run_browser_script("accounts_admin.mjs", settings, 180s);
  EXPECT_TRUE(run.passed()) << "stdout:\n" << run.out << "\nstderr:\n" << run.err;
  for (const char* shot : {"accounts-refused-fr-390", "accounts-fr-390", "accounts-refused-en-1280",
                           "accounts-en-1280"}) {
    EXPECT_TRUE(fs::exists(artifacts / (std::string(shot) + ".png"))) << shot << " not taken";
  }
}

}  // namespace
}  // namespace tocsin
