// Seat confirmation end to end (issue 18): tocsind with a test clock sends an assembly
// offering one bus of 4 seats and asking riders to confirm the day before. Six members ask
// for a seat: four are seated, two wait. At ask_at the confirmation wave goes, by SMS, only
// to the seated members who have not confirmed; at lapse_at the seats still unconfirmed
// go to the two waiting members (texted that a seat opened up), and the members whose
// seat lapsed are put at the end of the waitlist and texted their rank.

#include <gtest/gtest.h>

#include <chrono>
#include <map>

#include "alerts/rfc3339.h"
#include "tests/support/alert_scenario.h"
#include "tests/support/http_client.h"
#include "tests/support/twilio_server.h"

namespace tocsin {
namespace {

using namespace std::chrono_literals;
using testing::eventually;

constexpr const char* kAskAt = "2030-06-05T09:00:00-04:00";
constexpr const char* kLapseAt = "2030-06-05T18:00:00-04:00";
constexpr const char* kAskMark = "GARDER";

class SeatsConfirmation : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::RosterOptions roster;
    roster.members = 6;
    roster.shared_phone_every = 0;
    scenario_.import_roster(roster);
    const auto alert = scenario_.send_and_wait(
        testing::alert_json(
            "SMS", R"({"sms":"{first_name}, assemblée. OUI {code} BUS MTL."})", "",
            R"("pickupPoints":[{"id":"MTL","name":"Terminus","region":"Montréal","buses":1,)"
            R"("seatsPerBus":4}],"seatConfirmation":{"askAt":")" +
                std::string(kAskAt) + R"(","lapseAt":")" + kLapseAt +
                R"(","messages":{"fr":{"sms":"{first_name}, réponds OUI {code} pour )" + kAskMark +
                R"( ta place."}}})"),
        30s);
    id_ = alert.id;
    base_ = "alert:{" + id_ + "}";
    for (const auto& [number, member] : scenario_.recipients(id_)) numbers_.push_back(number);
    ASSERT_EQ(numbers_.size(), 6u);
  }

  void reply(size_t i, const std::string& text) {
    auto answer = testing::post_twilio_reply(scenario_.daemon().base_url(), "tw", twilio_,
                                             numbers_[i], text, "SM" + std::to_string(++sid_));
    ASSERT_EQ(answer.status, 200) << answer.body;
  }

  // The daemon's clock jumps to one minute past `when`.
  void move_clock_past(const char* when) {
    const auto at = alerts::parse_rfc3339(when);
    const int64_t target = std::chrono::duration_cast<std::chrono::milliseconds>(
                               at->time_since_epoch()).count() + 60'000;
    const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch()).count();
    scenario_.redis().command({"SET", "test:clock_offset_ms", std::to_string(target - now)});
  }

  int texts(size_t i, const std::string& words) {
    int n = 0;
    for (const auto& message : twilio_.messages()) {
      if (message.to == numbers_[i] && message.body.find(words) != std::string::npos) ++n;
    }
    return n;
  }

  bool seated(size_t i) {
    return !scenario_.redis().text({"HGET", base_ + ":seat", member(i)}).empty();
  }
  std::string member(size_t i) { return scenario_.recipients(id_).at(numbers_[i]); }

  testing::TwilioServer twilio_;
  testing::AlertScenario scenario_{
      {.gateways = testing::twilio_gateway_config("tw", twilio_, 1000), .test_clock = true}};
  std::string id_, base_;
  std::vector<std::string> numbers_;
  int sid_ = 0;
};

TEST_F(SeatsConfirmation, OnlyUnconfirmedSeatsAreAskedAndThoseStillUnconfirmedLapseToTheWaiting) {
  // One at a time, so the arrival order is the numbers' order.
  for (size_t i = 0; i < 6; ++i) {
    reply(i, "OUI BUS MTL");
    ASSERT_TRUE(eventually([&] {
      return scenario_.redis().integer({"HLEN", base_ + ":seat"}) +
                 scenario_.redis().integer({"HLEN", base_ + ":waiting"}) ==
             static_cast<int64_t>(i + 1);
    }, 10s));
  }
  for (size_t i = 0; i < 4; ++i) EXPECT_TRUE(seated(i)) << i;
  reply(0, "OUI");  // confirms early
  ASSERT_TRUE(eventually([&] {
    return scenario_.redis().text({"HGET", base_ + ":seat", member(0)}).ends_with("\x1f" "1");
  }, 10s));

  // ask_at: the wave asks members 1, 2 and 3 — not 0 (confirmed), not 4 and 5 (waiting).
  move_clock_past(kAskAt);
  ASSERT_TRUE(eventually([&] { return texts(1, kAskMark) + texts(2, kAskMark) + texts(3, kAskMark) == 3; },
                         20s));
  EXPECT_EQ(texts(0, kAskMark) + texts(4, kAskMark) + texts(5, kAskMark), 0);
  reply(1, "OUI");  // confirms in time
  ASSERT_TRUE(eventually([&] {
    return scenario_.redis().text({"HGET", base_ + ":seat", member(1)}).ends_with("\x1f" "1");
  }, 10s));

  // lapse_at: 2 and 3 lapse; 4 and 5, who waited, board and are told; 2 and 3 wait, told
  // their rank.
  move_clock_past(kLapseAt);
  ASSERT_TRUE(eventually([&] { return seated(4) && seated(5); }, 20s));
  EXPECT_TRUE(seated(0));
  EXPECT_TRUE(seated(1));
  EXPECT_FALSE(seated(2));
  EXPECT_FALSE(seated(3));
  auto waitlist = scenario_.redis().command({"ZRANGE", base_ + ":wait:MTL", "0", "-1"});
  ASSERT_EQ(waitlist.elements.size(), 2u);
  EXPECT_EQ(waitlist.elements[0].str, member(2));
  EXPECT_EQ(waitlist.elements[1].str, member(3));
  EXPECT_TRUE(eventually([&] {
    return texts(4, "Une place s'est libérée") + texts(4, "A seat opened up") == 1 &&
           texts(5, "Une place s'est libérée") + texts(5, "A seat opened up") == 1 &&
           texts(2, "rang 1 ") + texts(2, "number 1.") == 1 &&
           texts(3, "rang 2 ") + texts(3, "number 2.") == 1;
  }, 20s));
  // The lapse ran once: a member confirmed in time was never told anything more.
  EXPECT_EQ(texts(1, "confirmée à temps") + texts(1, "confirmed in time"), 0);
}

}  // namespace
}  // namespace tocsin
