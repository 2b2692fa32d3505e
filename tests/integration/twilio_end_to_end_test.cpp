// An alert through the twilio gateway end to end: a real redis-server, a real tocsind, and
// the Twilio-shaped server of tests/support, which answers like Twilio, refuses the numbers
// a carrier has opted out (21610), and calls our status webhook back, signed, with `sent`
// then `delivered`.

#include <gtest/gtest.h>

#include <set>

#include "tests/support/alert_scenario.h"
#include "tests/support/http_client.h"
#include "tests/support/twilio_server.h"

namespace tocsin {
namespace {

using namespace std::chrono_literals;
using testing::eventually;
using testing::http_request;

class TwilioEndToEnd : public ::testing::Test {
 protected:
  static testing::TwilioServerOptions options() {
    testing::TwilioServerOptions options;
    options.send_status_callbacks = true;
    return options;
  }

  testing::TwilioServer twilio_{options()};
  testing::AlertScenario scenario_{
      {.gateways = testing::twilio_gateway_config("tw", twilio_, 500)}};
};

TEST_F(TwilioEndToEnd, ReceiptsMarkMembersDeliveredAndCarrierOptOutsAreRecorded) {
  testing::RosterOptions roster;
  roster.members = 200;
  scenario_.import_roster(roster);
  auto& redis = scenario_.redis();

  // Three numbers the carrier says opted out.
  std::set<std::string> opted_out;
  std::set<std::string> holders;  // the members with those numbers
  for (const auto& id : redis.command({"SMEMBERS", "{roster}:members:sms"}).elements) {
    opted_out.insert(redis.text({"HGET", "{roster}:member:" + id.str + ":idx", "mobile"}));
    holders.insert(id.str);
    if (opted_out.size() == 3) break;
  }
  twilio_.set_opted_out(opted_out);

  const auto [id, code] = scenario_.send_and_wait(testing::alert_json(
      "SMS", R"({"sms":"{first_name}, action à {place}. OUI {code} ou NON {code}. {rsvp_link}"})"));
  const auto accepted = static_cast<int64_t>(twilio_.accepted());
  ASSERT_GT(accepted, 150);
  // Every accepted message is confirmed delivered by its (signed) receipt.
  EXPECT_TRUE(eventually([&] { return scenario_.count(id, "delivered") == accepted; }, 30s))
      << "delivered " << scenario_.count(id, "delivered") << " of " << accepted;
  EXPECT_EQ(scenario_.count(id, "sent"), 0) << "each moved on from sent to delivered";
  EXPECT_EQ(scenario_.count(id, "opted_out"), 3);
  for (const std::string& number : opted_out) {
    EXPECT_EQ(redis.integer({"SISMEMBER", "{roster}:optout:sms", number}), 1);
  }
  // Every holder of such a number is out of the next audience too (the record step reads
  // phone:<number> for them).
  for (const std::string& member : holders) {
    EXPECT_EQ(redis.integer({"SISMEMBER", "{roster}:optout:sms:members", member}), 1) << member;
  }

  // A receipt that is not signed with the auth token changes nothing.
  const auto messages = twilio_.messages();
  ASSERT_FALSE(messages.empty());
  auto forged = http_request("POST", scenario_.daemon().base_url() + "/hooks/twilio/tw/status",
                             "MessageSid=" + messages[0].sid + "&MessageStatus=failed",
                             {"Content-Type: application/x-www-form-urlencoded",
                              "X-Twilio-Signature: bm90IGEgc2lnbmF0dXJl"});
  EXPECT_EQ(forged.status, 403);
  EXPECT_EQ(scenario_.count(id, "failed"), 0);
  EXPECT_EQ(scenario_.count(id, "delivered"), accepted);
}

}  // namespace
}  // namespace tocsin
