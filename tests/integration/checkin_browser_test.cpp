// Check-in at the door in Debian's chromium (headless, driven by tests/browser/
// checkin_scanner.mjs with playwright-core), against a real tocsind and redis-server: the
// coordinator's phone (390 px, French) opens the scanner, its camera is Chromium's fake
// device playing a Y4M video written here of a member's QR code as their one-click page
// draws it, shown twice (each time it enters the view), then a forged code and a code of
// another alert. The member is checked in, then "already"; the other two are refused. The
// present count moves on a second viewer's dashboard (an executive, 1280 px, English). The
// QR code's URL opened by a phone's camera app checks its member in at once, which reaches
// the region's quorum: the viewer gets the milestone's banner; a member number
// typed and a name searched check in two more, and another region's member is refused.
// axe runs on the scanner in both languages and widths; screenshots under the build tree
// (test-artifacts/checkin).

#include <gtest/gtest.h>

#include <filesystem>
#include <iostream>
#include <regex>

#include "checkin/checkin_code.h"
#include "checkin/qr_svg.h"
#include "tests/support/alert_scenario.h"
#include "tests/support/browser.h"
#include "tests/support/http_client.h"
#include "tests/support/sign_in.h"
#include "tests/support/temp_dir.h"
#include "tests/support/twilio_server.h"
#include "tests/support/y4m.h"

namespace tocsin {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using testing::json_string;
using testing::kChromium;

class CheckinBrowser : public ::testing::Test {
 protected:
  testing::TempDir dir_;
  testing::TwilioServer twilio_;
  testing::AlertScenario scenario_{{.gateways = testing::twilio_gateway_config("tw", twilio_, 1000)}};

  std::string phone_of(const std::string& alert, const std::string& member) {
    for (const auto& [address, id] : scenario_.recipients(alert)) {
      if (id == member && address.starts_with("+")) return address;
    }
    return "";
  }
  std::function<std::vector<std::string>()> texts_to(std::string number) {
    return [this, number] {
      std::vector<std::string> texts;
      for (const auto& message : twilio_.messages()) {
        if (message.to == number) texts.push_back(message.body);
      }
      return texts;
    };
  }
};

TEST_F(CheckinBrowser, AFakeCameraScansAMembersQrCodeAndAViewerSeesThePresentCountMove) {
  if (const std::string missing = testing::browser_missing(); !missing.empty()) {
    GTEST_SKIP() << missing;
  }
  testing::RosterOptions options;
  options.members = 60;
  options.shared_phone_every = 0;
  const auto roster = scenario_.import_roster(options);
  std::map<std::string, int> sizes;
  for (const auto& m : roster) ++sizes[m.region];
  const std::string region = std::max_element(sizes.begin(), sizes.end(), [](auto& a, auto& b) {
                               return a.second < b.second;
                             })->first;
  std::vector<testing::RosterMember> mine, others;
  for (const auto& m : roster) (m.region == region ? mine : others).push_back(m);
  ASSERT_GE(mine.size(), 4u);
  ASSERT_GE(others.size(), 1u);

  // A quorum of 2 present in the region: reached by the second check-in below.
  const auto alert = scenario_.send_and_wait(testing::alert_json(
      "SMS", R"({"sms":"{first_name}: {code} {rsvp_link}"})", "",
      R"("targets":[{"dimension":"region","value":")" + region +
          R"(","target":100,"quorum":2}])"));
  auto& daemon = scenario_.daemon();
  int n = 0;
  for (const auto* member : {&mine[0], &mine[1], &mine[2], &mine[3], &others[0]}) {
    auto answer = testing::post_twilio_reply(daemon.base_url(), "tw", twilio_,
                                             phone_of(alert.id, member->id), "OUI",
                                             "SMbr" + std::to_string(++n));
    ASSERT_EQ(answer.status, 200) << answer.body;
  }
  ASSERT_TRUE(testing::eventually(
      [&] { return scenario_.redis().integer({"HLEN", "alert:{" + alert.id + "}:rsvp"}) == 5; },
      20s));

  // The first member's QR code, as their one-click page draws it.
  const auto tags = scenario_.link_tags(alert.id);
  auto page = testing::http_get(daemon.base_url() + "/r/" + alert.code + "." + tags.at(mine[0].id));
  ASSERT_EQ(page.status, 200);
  std::smatch svg;
  ASSERT_TRUE(std::regex_search(page.body, svg, std::regex("<svg[^>]*>[^]*?</svg>")));
  const auto member_qr = testing::modules_of_svg(svg.str());
  ASSERT_TRUE(member_qr.has_value());
  const std::string secret = scenario_.redis().text({"GET", "secret:checkin"});
  ASSERT_EQ(secret.size(), 32u);
  std::string forged = checkin::checkin_url(daemon.base_url(), alert.id, mine[0].id,
                                            checkin::checkin_tag(secret, alert.id, mine[0].id));
  forged.back() = forged.back() == 'A' ? 'B' : 'A';
  const std::string elsewhere_id = "zzzzzzzzzzzzzzzz";
  const std::string elsewhere = checkin::checkin_url(
      daemon.base_url(), elsewhere_id, mine[0].id, checkin::checkin_tag(secret, elsewhere_id, mine[0].id));
  const fs::path video = dir_.path() / "camera.y4m";
  testing::write_qr_video(video, {{member_qr, 15}, {std::nullopt, 15}, {member_qr, 15},
                                  {std::nullopt, 15}, {checkin::qr_matrix(forged), 15},
                                  {std::nullopt, 15}, {checkin::qr_matrix(elsewhere), 15},
                                  {std::nullopt, 15}});
  // What a second member's camera app opens.
  const std::string qr_hash =
      "#checkin=" + alert.id + "." + mine[1].id + "." + checkin::checkin_tag(secret, alert.id, mine[1].id);

  const std::string coordinator = testing::session_by_code(
      daemon, scenario_.token(),
      R"({"name":"Porte","role":"coordinator","mobile":"+15145550103","regions":[)" +
          json_string(region) + "]}",
      "+15145550103", texts_to("+15145550103"));
  const std::string viewer = testing::session_by_code(
      daemon, scenario_.token(), R"({"name":"Exécutif","role":"executive","mobile":"+15145550102"})",
      "+15145550102", texts_to("+15145550102"));
  ASSERT_FALSE(coordinator.empty());
  ASSERT_FALSE(viewer.empty());

  const fs::path artifacts = fs::path(TOCSIN_TEST_ARTIFACTS_DIR) / "checkin";
  fs::remove_all(artifacts);
  fs::create_directories(artifacts);
  const std::string settings =
      "{\"url\":" + json_string(daemon.base_url()) + ",\"chromium\":" + json_string(kChromium) +
      ",\"artifacts_dir\":" + json_string(artifacts.string()) +
      ",\"video\":" + json_string(video.string()) + ",\"alert_id\":" + json_string(alert.id) + ",\"alert_code\":" + json_string(alert.code) +
      ",\"coordinator_session\":" + json_string(coordinator) +
      ",\"viewer_session\":" + json_string(viewer) +
      ",\"scanned_name\":" + json_string(mine[0].first_name) +
      ",\"qr_hash\":" + json_string(qr_hash) +
      ",\"qr_name\":" + json_string(mine[1].first_name) +
      ",\"typed_member\":" + json_string(mine[2].id) +
      ",\"typed_name\":" + json_string(mine[2].first_name) +
      ",\"searched_last_name\":" + json_string(mine[3].last_name) +
      ",\"searched_member\":" + json_string(mine[3].id) +
      ",\"other_region_member\":" + json_string(others[0].id) + "}";
  const testing::BrowserRun run = testing::run_browser_script("checkin_scanner.mjs", settings, 180s);
  EXPECT_TRUE(run.passed()) << "stdout:\n" << run.out << "\nstderr:\n" << run.err;
  for (const std::string& line : run.lines_starting("SCANNED ")) std::cout << line << "\n";

  // What the page said happened, in Redis: four members of the region present, scanned or
  // typed, the other region's member not.
  auto& redis = scenario_.redis();
  EXPECT_EQ(redis.integer({"HLEN", "alert:{" + alert.id + "}:present"}), 4);
  EXPECT_EQ(redis.integer({"HEXISTS", "alert:{" + alert.id + "}:present", others[0].id}), 0);
  for (const char* lang : {"fr", "en"}) {
    for (const char* width : {"390", "1280"}) {
      const fs::path path = artifacts / (std::string("scanner-") + lang + "-" + width + ".png");
      EXPECT_TRUE(fs::exists(path)) << path << " not taken";
    }
  }
}

}  // namespace
}  // namespace tocsin
