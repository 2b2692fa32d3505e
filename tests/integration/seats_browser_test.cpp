// Bus seats on the console's live board, clicked in Debian's chromium (headless, driven by
// tests/browser/bus_seats.mjs with playwright-core): a coordinator on a 390 px phone in
// French adds a bus to a full pickup point and sees its waitlist empty live; an executive
// at 1280 px in English adds another. The members who were waiting get the SMS that a seat
// opened up. Screenshots under the build tree (test-artifacts/seats).

#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "members/text_fold.h"
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

class SeatsBrowser : public ::testing::Test {
 protected:
  std::function<std::vector<std::string>()> texts_to(const std::string& number) const {
    return [this, number] {
      std::vector<std::string> texts;
      for (const auto& message : twilio_.messages()) {
        if (message.to == number) texts.push_back(message.body);
      }
      return texts;
    };
  }

  testing::TwilioServer twilio_;
  testing::AlertScenario scenario_{{.gateways = testing::twilio_gateway_config("tw", twilio_, 500)}};
};

TEST_F(SeatsBrowser, ACoordinatorOnAPhoneAddsABusAndTheWaitlistBoardsLive) {
  if (const std::string missing = testing::browser_missing(); !missing.empty()) {
    GTEST_SKIP() << missing;
  }
  testing::RosterOptions roster;
  roster.members = 60;
  roster.shared_phone_every = 0;
  const auto members = scenario_.import_roster(roster);
  // Seats count in the region of the member who holds them (a coordinator sees their own
  // regions'): the riders are members of the pickup point's region.
  std::map<std::string, int> per_region;
  for (const auto& member : members) ++per_region[member.region];
  std::string region = members.front().region;
  for (const auto& [name, count] : per_region) {
    if (count > per_region[region]) region = name;
  }
  ASSERT_GE(per_region[region], 5);
  const auto alert = scenario_.send_and_wait(
      testing::alert_json("SMS", R"({"sms":"{first_name}, assemblée. OUI {code} BUS MTL."})",
                          R"({"sms":"{first_name}, assembly. YES {code} BUS MTL."})",
                          R"("pickupPoints":[{"id":"MTL","name":"Terminus Longueuil","region":)" +
                              json_string(region) + R"(,"buses":1,"seatsPerBus":3}])"),
      30s);
  std::map<std::string, std::string> region_of;
  for (const auto& member : members) region_of[member.id] = member.region;
  std::vector<std::string> numbers;
  for (const auto& [number, member] : scenario_.recipients(alert.id)) {
    if (region_of[member] == region) numbers.push_back(number);
  }
  const std::string base = "alert:{" + alert.id + "}";
  for (size_t i = 0; i < 5; ++i) {
    auto answer = testing::post_twilio_reply(scenario_.daemon().base_url(), "tw", twilio_,
                                             numbers[i], "OUI BUS MTL", "SM" + std::to_string(i));
    ASSERT_EQ(answer.status, 200);
    ASSERT_TRUE(eventually([&] {
      return scenario_.redis().integer({"HLEN", base + ":seat"}) +
                 scenario_.redis().integer({"HLEN", base + ":waiting"}) ==
             static_cast<int64_t>(i + 1);
    }, 10s));
  }

  auto& daemon = scenario_.daemon();
  const std::string coordinator = testing::session_by_code(
      daemon, scenario_.token(),
      R"({"name":"Luc Gagnon","role":"coordinator","mobile":"+15145550111","regions":[)" +
          json_string(region) + "]}",
      "+15145550111", texts_to("+15145550111"));
  const std::string executive = testing::session_by_code(
      daemon, scenario_.token(),
      R"({"name":"Marie Roy","role":"executive","mobile":"+15145550112"})", "+15145550112",
      texts_to("+15145550112"));
  ASSERT_FALSE(coordinator.empty());
  ASSERT_FALSE(executive.empty());

  const fs::path artifacts = fs::path(TOCSIN_TEST_ARTIFACTS_DIR) / "seats";
  fs::remove_all(artifacts);
  fs::create_directories(artifacts);
  const std::string settings =
      "{\"url\":" + json_string(daemon.base_url()) + ",\"chromium\":" + json_string(kChromium) +
      ",\"artifacts_dir\":" + json_string(artifacts.string()) + ",\"strings_module\":" +
      json_string((fs::path(TOCSIN_SOURCE_DIR) / "daemon" / "dashboard" / "strings.js").string()) +
      ",\"alert_id\":" + json_string(alert.id) + ",\"coordinator_session\":" +
      json_string(coordinator) + ",\"executive_session\":" + json_string(executive) + "}";
  const testing::BrowserRun run = testing::run_browser_script("bus_seats.mjs", settings, 180s);
  EXPECT_TRUE(run.passed()) << "stdout:\n" << run.out << "\nstderr:\n" << run.err;

  // The two who waited boarded the first added bus, and were told so.
  EXPECT_EQ(scenario_.redis().integer({"HLEN", base + ":seat"}), 5);
  EXPECT_EQ(scenario_.redis().integer({"HLEN", base + ":waiting"}), 0);
  for (size_t i = 3; i < 5; ++i) {
    EXPECT_TRUE(eventually([&] {
      for (const auto& text : texts_to(numbers[i])()) {
        if (text.find("Une place s'est libérée") != std::string::npos ||
            text.find("A seat opened up") != std::string::npos) {
          return true;
        }
      }
      return false;
    }, 10s)) << numbers[i];
  }
  for (const char* shot : {"seats-fr-390-before", "seats-fr-390-after", "seats-en-1280-before",
                           "seats-en-1280-after"}) {
    EXPECT_TRUE(fs::exists(artifacts / (std::string(shot) + ".png"))) << shot << " not taken";
  }
}

}  // namespace
}  // namespace tocsin
