// An alert through the kannel gateway end to end: a real redis-server, a real tocsind and a
// private Kannel (bearerbox, smsbox, fakesmsc playing the operator). 1,000 members: the
// operator receives each number's message exactly once, with that member's own text (their
// first name, their RSVP link) and its French accents intact in both codings, and Kannel's
// delivery reports come back to the daemon's webhook and mark every message delivered.

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "alerts/sms_encoding.h"
#include "http/json.h"
#include "proto/tocsin.pb.h"
#include "tests/support/daemon_process.h"
#include "tests/support/http_client.h"
#include "tests/support/kannel_harness.h"
#include "tests/support/redis_server.h"
#include "tests/support/redis_sync.h"
#include "tests/support/synthetic_roster.h"

namespace tocsin {
namespace {

using namespace std::chrono_literals;
using testing::DaemonProcess;
using testing::eventually;
using testing::http_request;

constexpr char kWebhookSecret[] = "kannel-e2e-secret-0123";
constexpr char kPlace[] = "Parc Lafontaine, Montréal";
// ê is not in GSM-7: every French text goes as UCS-2.
constexpr char kFrench[] =
    "{first_name}, grève: soyez prêts! Assemblée à {place}. OUI {code} ou NON {code}. "
    "{rsvp_link}";
// é is: English texts go as GSM-7, except to members whose first name has a ç.
constexpr char kEnglish[] =
    "{first_name}, strike vote: meet at {place}. Répondez YES {code} or NO {code}. {rsvp_link}";

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

class KannelEndToEnd : public ::testing::Test {
 protected:
  KannelEndToEnd() {
    DaemonProcess::Options daemon;
    daemon.redis_url = redis_.url();
    daemon.extra_config =
        "gateways { name: \"kn\" rate_per_second: 1000 max_concurrency: 16 kannel { "
        "sendsms_url: \"" + kannel_.sendsms_url() + "\" username: \"" + kannel_.username() +
        "\" password { inline: \"" + kannel_.password() +
        "\" } from: \"+15145550100\" webhook_secret { inline: \"" + kWebhookSecret +
        "\" } } }\n"
        "alerts { approval_threshold: 100000 }\n";
    daemon_ = std::make_unique<DaemonProcess>(daemon);
    token_ = daemon_->bootstrap_admin("e2e");
    redis_sync_ = std::make_unique<testing::RedisSync>(redis_.port());
  }

  std::vector<std::string> auth() const { return {"Authorization: Bearer " + token_}; }

  int64_t count(const std::string& id, const std::string& state) {
    return redis_sync_->integer({"HGET", "alert:{" + id + "}:count", state});
  }

  testing::RedisServer redis_;
  testing::KannelHarness kannel_;
  std::unique_ptr<DaemonProcess> daemon_;
  std::string token_;
  std::unique_ptr<testing::RedisSync> redis_sync_;
};

TEST_F(KannelEndToEnd, EachMemberGetsTheirOwnTextOnceWithAccentsIntactAndDlrsMarkThemDelivered) {
  testing::RosterOptions roster;
  roster.members = 1000;
  const auto members = testing::make_roster(roster);
  auto imported = http_request("POST", daemon_->base_url() + "/v1/members:import",
                               testing::make_roster_csv(roster),
                               {auth()[0], "Content-Type: text/csv"});
  ASSERT_EQ(imported.status, 200) << imported.body;

  const std::string alert =
      R"({"kind":"EMERGENCY_ASSEMBLY","title":"Kannel","eventTime":"2030-06-06T07:00:00-04:00",)"
      R"("expiresAt":"2030-06-06T06:00:00-04:00","place":")" + std::string(kPlace) +
      R"(","audience":"all","channels":"SMS","messages":{"fr":{"sms":")" + kFrench +
      R"("},"en":{"sms":")" + kEnglish + R"("}}})";
  auto created = http_request("POST", daemon_->base_url() + "/v1/alerts", alert, auth());
  ASSERT_EQ(created.status, 201) << created.body;
  AlertResponse response;
  std::string error;
  ASSERT_TRUE(http::from_json(created.body, &response, &error)) << error;
  const std::string id = response.alert().id();
  const std::string code = response.alert().code();
  auto sent = http_request("POST", daemon_->base_url() + "/v1/alerts/" + id + ":send", "", auth());
  ASSERT_EQ(sent.status, 202) << sent.body;

  ASSERT_TRUE(eventually(
      [&] { return redis_sync_->text({"HGET", "alert:{" + id + "}", "state"}) == "sent"; }, 90s))
      << daemon_->process().stderr_text();

  // Who each number belongs to (one message per number: a shared phone is sent once, to
  // the member the daemon chose) and each member's link tag.
  std::map<std::string, std::string> member_of_number;
  const auto to = redis_sync_->command({"HGETALL", "alert:{" + id + "}:to"});
  for (size_t i = 0; i + 1 < to.elements.size(); i += 2) {
    member_of_number[to.elements[i].str] = to.elements[i + 1].str;
  }
  std::map<std::string, std::string> tag_of_member;
  const auto links = redis_sync_->command({"HGETALL", "alert:{" + id + "}:links"});
  for (size_t i = 0; i + 1 < links.elements.size(); i += 2) {
    tag_of_member[links.elements[i + 1].str] = links.elements[i].str;
  }
  std::map<std::string, const testing::RosterMember*> roster_member;
  for (const auto& member : members) roster_member[member.id] = &member;

  const size_t numbers = member_of_number.size();
  ASSERT_GT(numbers, 950u);  // 1,000 members less the shared phones
  // Accepted by Kannel; some may already be delivered.
  EXPECT_EQ(count(id, "sent") + count(id, "delivered"), static_cast<int64_t>(numbers));
  ASSERT_TRUE(kannel_.wait_for_messages(numbers, 30s)) << kannel_.logs();

  std::set<std::string> reached;
  size_t ucs2 = 0;
  size_t gsm7 = 0;
  size_t segments = 0;
  for (const auto& message : kannel_.received()) {
    EXPECT_TRUE(reached.insert(message.to).second) << "a number got two messages";
    auto owner = member_of_number.find(message.to);
    ASSERT_NE(owner, member_of_number.end()) << "a message to a number not in the alert";
    const testing::RosterMember& member = *roster_member.at(owner->second);
    std::string expected = member.language == "en" ? kEnglish : kFrench;
    expected = replace_all(expected, "{first_name}", member.first_name);
    expected = replace_all(expected, "{place}", kPlace);
    expected = replace_all(expected, "{code}", code);
    expected = replace_all(expected, "{rsvp_link}", daemon_->base_url() + "/r/" + code + "." +
                                                        tag_of_member.at(member.id));
    EXPECT_EQ(message.text, expected) << "member " << member.id;
    const auto shape = alerts::measure_sms(expected);
    EXPECT_EQ(message.ucs2, shape.encoding == alerts::SmsEncoding::ucs2) << "member " << member.id;
    EXPECT_EQ(static_cast<size_t>(message.segments), shape.segments) << "member " << member.id;
    (message.ucs2 ? ucs2 : gsm7) += 1;
    segments += static_cast<size_t>(message.segments);
  }
  EXPECT_EQ(reached.size(), numbers);
  EXPECT_GT(ucs2, 800u) << "the French texts";
  EXPECT_GT(gsm7, 100u) << "the English texts";
  // Nothing went on the air twice: the bearerbox sent as many messages as fakesmsc got,
  // in as many segments as the texts take.
  EXPECT_EQ(kannel_.bearerbox_messages_sent(), static_cast<long>(numbers));
  EXPECT_EQ(kannel_.segments_received(), segments);

  // Kannel's delivery reports reach the webhook and move every message to delivered.
  EXPECT_TRUE(eventually([&] { return count(id, "delivered") == static_cast<int64_t>(numbers); },
                         60s))
      << "delivered " << count(id, "delivered") << " of " << numbers << "\n"
      << daemon_->process().stderr_text();
  EXPECT_EQ(count(id, "sent"), 0);
  EXPECT_EQ(count(id, "failed"), 0);
}

}  // namespace
}  // namespace tocsin
