// An alert through the twilio gateway end to end: a real redis-server, a real tocsind, and
// the Twilio-shaped server of tests/support, which answers like Twilio, refuses the numbers
// a carrier has opted out (21610), and calls our status webhook back, signed, with `sent`
// then `delivered`.

#include <gtest/gtest.h>

#include <set>

#include "http/json.h"
#include "proto/tocsin.pb.h"
#include "tests/support/daemon_process.h"
#include "tests/support/http_client.h"
#include "tests/support/redis_server.h"
#include "tests/support/redis_sync.h"
#include "tests/support/synthetic_roster.h"
#include "tests/support/twilio_server.h"

namespace tocsin {
namespace {

using namespace std::chrono_literals;
using testing::DaemonProcess;
using testing::eventually;
using testing::http_request;

class TwilioEndToEnd : public ::testing::Test {
 protected:
  TwilioEndToEnd() : twilio_(options()) {
    DaemonProcess::Options daemon;
    daemon.redis_url = redis_.url();
    daemon.extra_config = "gateways { name: \"tw\" rate_per_second: 500 twilio { base_url: \"" +
                          twilio_.base_url() + "\" account_sid: \"" + twilio_.account_sid() +
                          "\" auth_token { inline: \"" + twilio_.auth_token() +
                          "\" } from: \"+15145550100\" } }\n"
                          "alerts { approval_threshold: 100000 }\n";
    daemon_ = std::make_unique<DaemonProcess>(daemon);
    token_ = daemon_->bootstrap_admin("e2e");
  }

  static testing::TwilioServerOptions options() {
    testing::TwilioServerOptions options;
    options.send_status_callbacks = true;
    return options;
  }

  std::vector<std::string> auth() const { return {"Authorization: Bearer " + token_}; }

  int64_t count(const std::string& id, const std::string& state) {
    return redis_sync_->integer({"HGET", "alert:{" + id + "}:count", state});
  }

  testing::RedisServer redis_;
  testing::TwilioServer twilio_;
  std::unique_ptr<DaemonProcess> daemon_;
  std::string token_;
  std::unique_ptr<testing::RedisSync> redis_sync_;
};

TEST_F(TwilioEndToEnd, ReceiptsMarkMembersDeliveredAndCarrierOptOutsAreRecorded) {
  testing::RosterOptions roster;
  roster.members = 200;
  auto imported = http_request("POST", daemon_->base_url() + "/v1/members:import",
                               testing::make_roster_csv(roster),
                               {auth()[0], "Content-Type: text/csv"});
  ASSERT_EQ(imported.status, 200) << imported.body;
  redis_sync_ = std::make_unique<testing::RedisSync>(redis_.port());

  // Three numbers the carrier says opted out.
  std::set<std::string> opted_out;
  for (const auto& id : redis_sync_->command({"SMEMBERS", "members:sms"}).elements) {
    opted_out.insert(redis_sync_->text({"HGET", "member:" + id.str + ":idx", "mobile"}));
    if (opted_out.size() == 3) break;
  }
  twilio_.set_opted_out(opted_out);

  const std::string alert =
      R"({"kind":"BANNER_DROP","title":"E2E","eventTime":"2030-06-06T07:00:00-04:00",)"
      R"("expiresAt":"2030-06-06T06:00:00-04:00","place":"Parc","audience":"all",)"
      R"("channels":"SMS","messages":{"fr":{"sms":"{first_name}, action à {place}. )"
      R"(OUI {code} ou NON {code}. {rsvp_link}"}}})";
  auto created = http_request("POST", daemon_->base_url() + "/v1/alerts", alert, auth());
  ASSERT_EQ(created.status, 201) << created.body;
  AlertResponse response;
  std::string error;
  ASSERT_TRUE(http::from_json(created.body, &response, &error)) << error;
  const std::string id = response.alert().id();
  auto sent = http_request("POST", daemon_->base_url() + "/v1/alerts/" + id + ":send", "", auth());
  ASSERT_EQ(sent.status, 202) << sent.body;

  ASSERT_TRUE(eventually(
      [&] { return redis_sync_->text({"HGET", "alert:{" + id + "}", "state"}) == "sent"; }, 60s))
      << daemon_->process().stderr_text();
  const auto accepted = static_cast<int64_t>(twilio_.accepted());
  ASSERT_GT(accepted, 150);
  // Every accepted message is confirmed delivered by its (signed) receipt.
  EXPECT_TRUE(eventually([&] { return count(id, "delivered") == accepted; }, 30s))
      << "delivered " << count(id, "delivered") << " of " << accepted;
  EXPECT_EQ(count(id, "sent"), 0) << "each moved on from sent to delivered";
  EXPECT_EQ(count(id, "opted_out"), 3);
  for (const std::string& number : opted_out) {
    EXPECT_EQ(redis_sync_->integer({"SISMEMBER", "optout:sms", number}), 1);
  }

  // A receipt that is not signed with the auth token changes nothing.
  const auto messages = twilio_.messages();
  ASSERT_FALSE(messages.empty());
  auto forged = http_request("POST", daemon_->base_url() + "/hooks/twilio/tw/status",
                             "MessageSid=" + messages[0].sid + "&MessageStatus=failed",
                             {"Content-Type: application/x-www-form-urlencoded",
                              "X-Twilio-Signature: bm90IGEgc2lnbmF0dXJl"});
  EXPECT_EQ(forged.status, 403);
  EXPECT_EQ(count(id, "failed"), 0);
  EXPECT_EQ(count(id, "delivered"), accepted);
}

}  // namespace
}  // namespace tocsin
