// Replies end to end through Kannel (issue 6): members answer from their phones, played by
// Kannel's fakesmsc; the text travels fakesmsc -> bearerbox -> smsbox -> the daemon's MO
// webhook -> the reply worker, which records the RSVP, and the confirmation goes back
// through Kannel's sendsms to fakesmsc, in French with its accents.

#include <gtest/gtest.h>

#include <map>

#include "tests/support/alert_scenario.h"
#include "tests/support/kannel_harness.h"
#include "tests/support/ports.h"

namespace tocsin {
namespace {

using namespace std::chrono_literals;
using testing::eventually;

constexpr char kSecret[] = "kannel-replies-secret-9";
constexpr char kOurNumber[] = "+15145550100";

// Kannel calls the daemon's MO webhook, so it must know the daemon's port before either
// starts.
testing::KannelHarness::Options kannel_options(uint16_t daemon_port) {
  testing::KannelHarness::Options options;
  options.inbound_url = "http://127.0.0.1:" + std::to_string(daemon_port) +
                        "/hooks/kannel/kn/inbound?secret=" + kSecret +
                        "&from=%p&to=%P&text=%a&ts=%T&id=%I";
  return options;
}

std::string kannel_gateway_config(const testing::KannelHarness& kannel) {
  return "gateways { name: \"kn\" rate_per_second: 200 kannel { sendsms_url: \"" +
         kannel.sendsms_url() + "\" username: \"" + kannel.username() + "\" password { inline: \"" +
         kannel.password() + "\" } from: \"" + kOurNumber + "\" webhook_secret { inline: \"" +
         kSecret + "\" } } }\n";
}

class RepliesThroughKannel : public ::testing::Test {
 protected:
  uint16_t port_ = testing::free_tcp_port();
  testing::KannelHarness kannel_{kannel_options(port_)};
  testing::AlertScenario scenario_{{.gateways = kannel_gateway_config(kannel_), .port = port_}};
};

TEST_F(RepliesThroughKannel, AnswersFromPhonesAreRecordedAndConfirmedBackThroughKannel) {
  testing::RosterOptions roster;
  roster.members = 30;
  scenario_.import_roster(roster);
  const std::string id =
      scenario_
          .send_and_wait(
              testing::alert_json(
                  "SMS",
                  R"({"sms":"{first_name}, assemblée au {place}. OUI {code} ou NON {code}."})"),
              30s)
          .id;
  auto& redis = scenario_.redis();

  const auto member_of = scenario_.recipients(id);  // number -> member
  ASSERT_TRUE(kannel_.wait_for_messages(member_of.size(), 30s)) << kannel_.logs();
  auto it = member_of.begin();
  const std::string yes = (it++)->first;
  const std::string no = (it++)->first;
  const std::string stop = (it++)->first;

  kannel_.send_mo(yes, kOurNumber, "Oui, BUS svp");
  kannel_.send_mo(no, kOurNumber, "non merci");
  kannel_.send_mo(stop, kOurNumber, "ARRÊT");
  const std::string rsvp = "alert:{" + id + "}:rsvp";
  ASSERT_TRUE(eventually(
      [&] {
        return redis.integer({"HLEN", rsvp}) == 2 &&
               redis.integer({"SISMEMBER", "{roster}:optout:sms", stop}) == 1;
      },
      20s))
      << kannel_.logs() << scenario_.describe(id);
  EXPECT_EQ(redis.text({"HGET", rsvp, member_of.at(yes)}).substr(0, 3), "yes");
  EXPECT_EQ(redis.text({"HGET", rsvp, member_of.at(no)}).substr(0, 2), "no");
  EXPECT_EQ(testing::sum_over_regions(scenario_.tally(id), "all|bus"), 1);

  // The confirmations come back to each phone through Kannel.
  const size_t alert_messages = member_of.size();
  ASSERT_TRUE(kannel_.wait_for_messages(alert_messages + 3, 20s)) << kannel_.logs();
  std::map<std::string, std::string> answer_to;
  for (const auto& message : kannel_.received()) {
    if (message.text.find("assemblée au") == std::string::npos)
      answer_to[message.to] = message.text;
  }
  EXPECT_TRUE(answer_to[yes].starts_with("Merci! Présence confirmée. Autobus")) << answer_to[yes];
  EXPECT_TRUE(answer_to[no].starts_with("Merci, c'est noté: absent.")) << answer_to[no];
  EXPECT_TRUE(answer_to[stop].starts_with("Tu ne recevras plus de SMS")) << answer_to[stop];
  for (const auto& [number, text] : answer_to) {
    EXPECT_TRUE(number == yes || number == no || number == stop) << "answered someone else";
  }
}

}  // namespace
}  // namespace tocsin
