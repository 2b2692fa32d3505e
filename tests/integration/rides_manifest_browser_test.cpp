// A coordinator runs the event day's rides and manifests in the console, in Debian's
// chromium (headless, driven by tests/browser/rides_manifest.mjs with playwright-core), at
// 390 px and 1280 px, in French and English, against a real tocsind and redis-server:
// members answer by SMS through the Twilio-shaped server (four drivers OUI AUTO 1, four
// riders OUI BUS from a pickup point no bus runs from); the coordinator confirms one
// proposal per run through the dialog, and each confirmed driver then gets a rider's first
// name and mobile by SMS; the coordinator opens a pickup point's manifest, downloads its CSV
// (audited) and prints it, one bus per page. The seats on it were given by the allocation
// to members who answered OUI BUS LON (two buses of two seats). Screenshots under the build
// tree (test-artifacts/rides-manifest).

#include <gtest/gtest.h>

#include <filesystem>
#include <iostream>
#include <map>
#include <set>

#include "tests/support/alert_scenario.h"
#include "tests/support/browser.h"
#include "tests/support/http_client.h"
#include "tests/support/sign_in.h"
#include "tests/support/twilio_server.h"

namespace tocsin {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using testing::eventually;
using testing::json_string;
using testing::kChromium;

constexpr char kCoordinatorMobile[] = "+15145550190";

class RidesManifestBrowser : public ::testing::Test {
 protected:
  std::vector<std::string> texts_to(const std::string& number) {
    std::vector<std::string> texts;
    for (const auto& message : twilio_.messages()) {
      if (message.to == number) texts.push_back(message.body);
    }
    return texts;
  }

  testing::TwilioServer twilio_;
  testing::AlertScenario scenario_{
      {.gateways = testing::twilio_gateway_config("tw", twilio_, 500)}};
};

TEST_F(RidesManifestBrowser, ACoordinatorConfirmsProposalsAndDownloadsAndPrintsAManifest) {
  if (const std::string missing = testing::browser_missing(); !missing.empty()) {
    GTEST_SKIP() << missing;
  }
  testing::RosterOptions roster;
  roster.members = 200;
  const auto members = scenario_.import_roster(roster);
  std::map<std::string, int> sizes;
  for (const auto& m : members) ++sizes[m.region];
  const std::string region = std::max_element(sizes.begin(), sizes.end(), [](auto& a, auto& b) {
                               return a.second < b.second;
                             })->first;

  const std::string more =
      R"("carSeats":true,"pickupPoints":[{"id":"VIL","name":"Village","region":)" +
      json_string(region) + R"(},{"id":"LON","name":"Terminus Longueuil","region":)" +
      json_string(region) + R"(,"buses":2,"seatsPerBus":2}])";
  const auto alert = scenario_.send_and_wait(
      testing::alert_json("SMS", R"({"sms":"{first_name}: {code} {rsvp_link}"})", "", more));

  std::map<std::string, const testing::RosterMember*> by_id;
  for (const auto& m : members) by_id[m.id] = &m;
  std::vector<std::pair<std::string, const testing::RosterMember*>> here;  // mobile, member
  for (const auto& [address, member] : scenario_.recipients(alert.id)) {
    if (address.starts_with("+") && by_id.at(member)->region == region) {
      here.emplace_back(address, by_id.at(member));
    }
  }
  ASSERT_GE(here.size(), 11u);
  // Four drivers with a seat each, four riders: one proposal per run.
  std::map<std::string, std::string> mobile_of;
  int sid = 0;
  for (size_t i = 0; i < 8; ++i) {
    mobile_of[here[i].second->id] = here[i].first;
    auto answer =
        testing::post_twilio_reply(scenario_.daemon().base_url(), "tw", twilio_, here[i].first,
                                   i < 4 ? "OUI AUTO 1" : "OUI BUS", "SMb" + std::to_string(++sid));
    ASSERT_EQ(answer.status, 200) << answer.body;
  }
  auto& redis = scenario_.redis();
  ASSERT_TRUE(eventually(
      [&] {
        return redis.integer({"HLEN", "alert:{" + alert.id + "}:rsvp"}) == 8;
      },
      20s));
  // Three answer OUI BUS LON, one after the other: two seats on bus 1, one on bus 2.
  std::string seated = "[";
  for (size_t i = 8; i < 11; ++i) {
    auto answer =
        testing::post_twilio_reply(scenario_.daemon().base_url(), "tw", twilio_, here[i].first,
                                   "OUI BUS LON", "SMb" + std::to_string(++sid));
    ASSERT_EQ(answer.status, 200) << answer.body;
    const std::string key = "alert:{" + alert.id + "}:seat";
    ASSERT_TRUE(eventually(
        [&] {
          return !redis.text({"HGET", key, here[i].second->id}).empty();
        },
        20s))
        << here[i].second->id << " got no seat";
    const std::string held = redis.text({"HGET", key, here[i].second->id});
    const int bus = std::stoi(held.substr(held.find('\x1f') + 1));
    EXPECT_EQ(bus, i < 10 ? 1 : 2) << held;
    seated += std::string(i > 8 ? "," : "") + R"({"id":)" + json_string(here[i].second->id) +
              R"(,"last_name":)" + json_string(here[i].second->last_name) + R"(,"bus":)" +
              std::to_string(bus) + "}";
  }
  seated += "]";

  const std::string session = testing::session_by_code(
      scenario_.daemon(), scenario_.token(),
      R"({"name":"Nadia Coord","role":"coordinator","mobile":")" + std::string(kCoordinatorMobile) +
          R"(","regions":[)" + json_string(region) + "]}",
      kCoordinatorMobile, [this] { return texts_to(kCoordinatorMobile); });
  ASSERT_FALSE(session.empty());

  const fs::path artifacts = fs::path(TOCSIN_TEST_ARTIFACTS_DIR) / "rides-manifest";
  fs::remove_all(artifacts);
  fs::create_directories(artifacts);
  const std::string settings =
      "{\"url\":" + json_string(scenario_.daemon().base_url()) +
      ",\"chromium\":" + json_string(kChromium) +
      ",\"artifacts_dir\":" + json_string(artifacts.string()) + ",\"strings_module\":" +
      json_string((fs::path(TOCSIN_SOURCE_DIR) / "daemon" / "dashboard" / "strings.js").string()) +
      ",\"coordinator_session\":" + json_string(session) +
      ",\"alert_id\":" + json_string(alert.id) +
      R"(,"pickup":"LON","pickup_name":"Terminus Longueuil","buses":2,"seated":)" + seated + "}";
  const testing::BrowserRun run = testing::run_browser_script("rides_manifest.mjs", settings, 240s);
  EXPECT_TRUE(run.passed()) << "stdout:\n" << run.out << "\nstderr:\n" << run.err;

  // Each driver the coordinator confirmed got their rider's first name and mobile by SMS.
  std::set<std::string> confirmed;
  for (const std::string& line : run.lines_starting("CONFIRMED "))
    confirmed.insert(line.substr(10));
  EXPECT_EQ(confirmed.size(), 4u);
  EXPECT_EQ(redis.integer({"HLEN", "alert:{" + alert.id + "}:rides"}), 4);
  for (const std::string& driver : confirmed) {
    ASSERT_TRUE(mobile_of.contains(driver)) << driver;
    EXPECT_TRUE(eventually(
        [&] {
          for (const std::string& text : texts_to(mobile_of[driver])) {
            for (size_t i = 4; i < 8; ++i) {
              if (text.find(here[i].first) != std::string::npos) return true;
            }
          }
          return false;
        },
        10s))
        << driver << " was not told their rider";
  }
  // Each manifest taken is in the alert's trail.
  const auto trail = redis.command({"XRANGE", "alert:{" + alert.id + "}:audit", "-", "+"});
  int downloads = 0;
  for (const auto& entry : trail.elements) {
    const auto& fields = entry.elements[1].elements;
    for (size_t i = 0; i + 1 < fields.size(); i += 2) {
      downloads += fields[i].str == "action" && fields[i + 1].str == "manifest.download";
    }
  }
  EXPECT_EQ(downloads, 4);
  for (const char* lang : {"fr", "en"}) {
    for (const char* width : {"390", "1280"}) {
      for (const char* step : {"rides", "rides-confirmed", "manifest", "manifest-print"}) {
        const fs::path path = artifacts / (std::string(step) + "-" + lang + "-" + width + ".png");
        EXPECT_TRUE(fs::exists(path)) << path << " not taken";
      }
    }
  }
}

}  // namespace
}  // namespace tocsin
