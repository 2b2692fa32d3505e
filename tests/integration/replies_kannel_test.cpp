// Replies end to end through Kannel (issue 6): members answer from their phones, played by
// Kannel's fakesmsc; the text travels fakesmsc -> bearerbox -> smsbox -> the daemon's MO
// webhook -> the reply worker, which records the RSVP, and the confirmation goes back
// through Kannel's sendsms to fakesmsc, in French with its accents.

#include <gtest/gtest.h>

#include <map>

#include "http/json.h"
#include "proto/tocsin.pb.h"
#include "tests/support/daemon_process.h"
#include "tests/support/http_client.h"
#include "tests/support/kannel_harness.h"
#include "tests/support/ports.h"
#include "tests/support/redis_server.h"
#include "tests/support/redis_sync.h"
#include "tests/support/synthetic_roster.h"

namespace tocsin {
namespace {

using namespace std::chrono_literals;
using testing::DaemonProcess;
using testing::eventually;
using testing::http_request;

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

class RepliesThroughKannel : public ::testing::Test {
 protected:
  RepliesThroughKannel() : port_(testing::free_tcp_port()), kannel_(kannel_options(port_)) {
    DaemonProcess::Options daemon;
    daemon.port = port_;
    daemon.redis_url = redis_.url();
    daemon.extra_config =
        "gateways { name: \"kn\" rate_per_second: 200 kannel { sendsms_url: \"" +
        kannel_.sendsms_url() + "\" username: \"" + kannel_.username() + "\" password { inline: \"" +
        kannel_.password() + "\" } from: \"" + kOurNumber + "\" webhook_secret { inline: \"" +
        kSecret + "\" } } }\nalerts { approval_threshold: 100000 }\n";
    daemon_ = std::make_unique<DaemonProcess>(daemon);
    token_ = daemon_->bootstrap_admin("kannel-replies");
    redis_sync_ = std::make_unique<testing::RedisSync>(redis_.port());
  }

  uint16_t port_;
  testing::RedisServer redis_;
  testing::KannelHarness kannel_;
  std::unique_ptr<DaemonProcess> daemon_;
  std::string token_;
  std::unique_ptr<testing::RedisSync> redis_sync_;
};

TEST_F(RepliesThroughKannel, AnswersFromPhonesAreRecordedAndConfirmedBackThroughKannel) {
  testing::RosterOptions roster;
  roster.members = 30;
  const std::vector<std::string> auth = {"Authorization: Bearer " + token_};
  auto imported = http_request("POST", daemon_->base_url() + "/v1/members:import",
                               testing::make_roster_csv(roster),
                               {auth[0], "Content-Type: text/csv"});
  ASSERT_EQ(imported.status, 200) << imported.body;
  const std::string alert =
      R"({"kind":"EMERGENCY_ASSEMBLY","title":"Kannel","eventTime":"2030-06-06T07:00:00-04:00",)"
      R"("expiresAt":"2030-06-06T06:00:00-04:00","place":"Parc","audience":"all",)"
      R"("channels":"SMS","messages":{"fr":{"sms":"{first_name}, assemblée au {place}. )"
      R"(OUI {code} ou NON {code}."}}})";
  auto created = http_request("POST", daemon_->base_url() + "/v1/alerts", alert, auth);
  ASSERT_EQ(created.status, 201) << created.body;
  AlertResponse response;
  std::string error;
  ASSERT_TRUE(http::from_json(created.body, &response, &error)) << error;
  const std::string id = response.alert().id();
  ASSERT_EQ(http_request("POST", daemon_->base_url() + "/v1/alerts/" + id + ":send", "", auth)
                .status,
            202);
  ASSERT_TRUE(eventually(
      [&] { return redis_sync_->text({"HGET", "alert:{" + id + "}", "state"}) == "sent"; }, 30s));

  std::map<std::string, std::string> member_of;  // number -> member
  const auto to = redis_sync_->command({"HGETALL", "alert:{" + id + "}:to"});
  for (size_t i = 0; i + 1 < to.elements.size(); i += 2) {
    member_of[to.elements[i].str] = to.elements[i + 1].str;
  }
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
        return redis_sync_->integer({"HLEN", rsvp}) == 2 &&
               redis_sync_->integer({"SISMEMBER", "optout:sms", stop}) == 1;
      },
      20s))
      << kannel_.logs() << daemon_->process().stderr_text();
  EXPECT_EQ(redis_sync_->text({"HGET", rsvp, member_of.at(yes)}).substr(0, 3), "yes");
  EXPECT_EQ(redis_sync_->text({"HGET", rsvp, member_of.at(no)}).substr(0, 2), "no");
  EXPECT_EQ(redis_sync_->text({"HGET", "alert:{" + id + "}:tally", "all|bus"}), "1");

  // The confirmations come back to each phone through Kannel.
  const size_t alert_messages = member_of.size();
  ASSERT_TRUE(kannel_.wait_for_messages(alert_messages + 3, 20s)) << kannel_.logs();
  std::map<std::string, std::string> answer_to;
  for (const auto& message : kannel_.received()) {
    if (message.text.find("assemblée au") == std::string::npos) answer_to[message.to] = message.text;
  }
  EXPECT_TRUE(answer_to[yes].starts_with("Merci! Présence confirmée. Autobus")) << answer_to[yes];
  EXPECT_TRUE(answer_to[no].starts_with("Merci, c'est noté: absent.")) << answer_to[no];
  EXPECT_TRUE(answer_to[stop].starts_with("Vous ne recevrez plus de SMS")) << answer_to[stop];
  for (const auto& [number, text] : answer_to) {
    EXPECT_TRUE(number == yes || number == no || number == stop) << "answered someone else";
  }
}

}  // namespace
}  // namespace tocsin
