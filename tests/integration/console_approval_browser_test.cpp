// Two officers at phone size approve and send an alert from the console, in Debian's
// chromium (headless, driven by tests/browser/approve_by_link.mjs with playwright-core):
// A signs in by a code read from the SMS gateway's file, composes an emergency assembly
// from its template for a few thousand members (the SMS counter turns UCS-2 at an "ê" and
// back after "fold accents"), creates the draft, asks approval; B receives the SMS with the
// approval link, opens it, signs in, sees the preview and approves; A's page shows the approval
// without a reload and sends (the confirmation names the audience size); the turnout moves. A
// second draft is declined with a reason that A's page shows live. The officers' actions are
// counted and printed. Screenshots under the build tree (test-artifacts/console-approval).

#include <gtest/gtest.h>

#include <filesystem>
#include <iostream>

#include "tests/support/alert_scenario.h"
#include "tests/support/browser.h"
#include "tests/support/daemon_process.h"
#include "tests/support/http_client.h"
#include "tests/support/redis_server.h"
#include "tests/support/synthetic_roster.h"
#include "tests/support/temp_dir.h"

namespace tocsin {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using testing::json_string;
using testing::kChromium;

constexpr size_t kMembers = 4000;

TEST(ConsoleApprovalBrowser, TwoOfficersOnPhonesApproveLiveSendAndDeclineWithAReason) {
  if (const std::string missing = testing::browser_missing(); !missing.empty()) {
    GTEST_SKIP() << missing;
  }

  testing::TempDir dir;
  const fs::path sms_file = dir.path() / "sms.jsonl";
  testing::RedisServer redis;
  testing::DaemonProcess daemon({.redis_url = redis.url(),
                                 .extra_config = "gateways { name: \"sms\" rate_per_second: 2000 "
                                                 "file { channel: \"sms\" path: \"" +
                                                 sms_file.string() +
                                                 "\" } }\n"
                                                 "alerts { approval_threshold: 100 }\n"});
  ASSERT_TRUE(testing::eventually(
      [&] { return testing::http_get(daemon.base_url() + "/readyz").status == 200; }, 5s));
  const std::string admin = daemon.bootstrap_admin("ops");
  testing::RosterOptions roster;
  roster.members = kMembers;
  auto imported = testing::http_request(
      "POST", daemon.base_url() + "/v1/members:import", testing::make_roster_csv(roster),
      {"Authorization: Bearer " + admin, "Content-Type: text/csv"});
  ASSERT_EQ(imported.status, 200) << imported.body;
  for (const char* account :
       {R"({"name":"Anne Roy","role":"executive","mobile":"+15145550111"})",
        R"({"name":"Bruno Côté","role":"executive","mobile":"+15145550122"})"}) {
    auto created = testing::http_request("POST", daemon.base_url() + "/v1/accounts", account,
                                         testing::bearer(admin));
    ASSERT_EQ(created.status, 201) << created.body;
  }

  const fs::path artifacts = fs::path(TOCSIN_TEST_ARTIFACTS_DIR) / "console-approval";
  fs::remove_all(artifacts);
  fs::create_directories(artifacts);
  const std::string alert = testing::alert_json(
      "SMS", R"({"sms":"{first_name}, assemblée d'urgence. OUI {code} ou NON {code}."})",
      R"({"sms":"{first_name}, emergency assembly. YES {code} or NO {code}."})");
  const std::string settings =
      "{\"url\":" + json_string(daemon.base_url()) + ",\"chromium\":" + json_string(kChromium) +
      ",\"artifacts_dir\":" + json_string(artifacts.string()) + ",\"strings_module\":" +
      json_string((fs::path(TOCSIN_SOURCE_DIR) / "daemon" / "dashboard" / "strings.js").string()) +
      ",\"sms_file\":" + json_string(sms_file.string()) +
      R"(,"a_mobile":"+15145550111","b_mobile":"+15145550122","members":)" +
      std::to_string(kMembers) + ",\"alert_json\":" + json_string(alert) + "}";
  const testing::BrowserRun run =
      testing::run_browser_script("approve_by_link.mjs", settings, 120s);
  EXPECT_TRUE(run.passed()) << "stdout:\n" << run.out << "\nstderr:\n" << run.err;
  // The counts of the officers' actions, for the record.
  for (const std::string& line : run.lines_starting("ACTIONS ")) std::cout << line << "\n";
  for (const char* shot :
       {"a-compose-ucs2-fr-390", "a-compose-ready-fr-390", "a-draft-fr-390",
        "a-approval-requested-fr-390", "b-approval-page-en-390", "a-own-link-refused-fr-390",
        "b-forged-link-en-390", "b-approved-en-390", "a-confirm-send-fr-390", "a-sending-fr-390",
        "a-followup-fr-390", "b-decline-en-390", "a-declined-fr-390", "a-history-fr-390",
        "a-alert-page-en-1280", "b-approval-page-fr-1280", "a-history-en-1280",
        "b-history-fr-1280"}) {
    EXPECT_TRUE(fs::exists(artifacts / (std::string(shot) + ".png"))) << shot << " not taken";
  }
}

}  // namespace
}  // namespace tocsin
