// An alert through the kannel gateway end to end: a real redis-server, a real tocsind and a
// private Kannel (bearerbox, smsbox, fakesmsc playing the operator). 1,000 members: the
// operator receives each number's message exactly once, with that member's own text (their
// first name, their RSVP link) and its French accents intact in both codings, and Kannel's
// delivery reports come back to the daemon's webhook and mark every message delivered.

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "alerts/sms_encoding.h"
#include "tests/support/alert_scenario.h"
#include "tests/support/kannel_harness.h"

namespace tocsin {
namespace {

using namespace std::chrono_literals;
using testing::eventually;

constexpr char kWebhookSecret[] = "kannel-e2e-secret-0123";
constexpr char kPlace[] = "Parc Lafontaine";  // testing::alert_json's
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

std::string kannel_gateway_config(const testing::KannelHarness& kannel) {
  return "gateways { name: \"kn\" rate_per_second: 1000 max_concurrency: 16 kannel { "
         "sendsms_url: \"" +
         kannel.sendsms_url() + "\" username: \"" + kannel.username() + "\" password { inline: \"" +
         kannel.password() + "\" } from: \"+15145550100\" webhook_secret { inline: \"" +
         kWebhookSecret + "\" } } }\n";
}

class KannelEndToEnd : public ::testing::Test {
 protected:
  testing::KannelHarness kannel_;
  testing::AlertScenario scenario_{{.gateways = kannel_gateway_config(kannel_)}};
};

TEST_F(KannelEndToEnd, EachMemberGetsTheirOwnTextOnceWithAccentsIntactAndDlrsMarkThemDelivered) {
  testing::RosterOptions roster;
  roster.members = 1000;
  const auto members = scenario_.import_roster(roster);
  const auto [id, code] = scenario_.send_and_wait(
      testing::alert_json("SMS", R"({"sms":")" + std::string(kFrench) + R"("})",
                          R"({"sms":")" + std::string(kEnglish) + R"("})"),
      90s);
  auto count = [&](const std::string& state) { return scenario_.count(id, state); };

  // Who each number belongs to (one message per number: a shared phone is sent once, to
  // the member the daemon chose) and each member's link tag.
  const auto member_of_number = scenario_.recipients(id);
  const auto tag_of_member = scenario_.link_tags(id);
  std::map<std::string, const testing::RosterMember*> roster_member;
  for (const auto& member : members) roster_member[member.id] = &member;

  const size_t numbers = member_of_number.size();
  ASSERT_GT(numbers, 950u);  // 1,000 members less the shared phones
  // Accepted by Kannel; some may already be delivered.
  EXPECT_EQ(scenario_.count_sum(id, {"sent", "delivered"}), static_cast<int64_t>(numbers));
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
    expected = replace_all(
        expected, "{rsvp_link}",
        scenario_.daemon().base_url() + "/r/" + code + "." + tag_of_member.at(member.id));
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
  EXPECT_TRUE(eventually([&] { return count("delivered") == static_cast<int64_t>(numbers); }, 60s))
      << "delivered " << count("delivered") << " of " << numbers << "\n"
      << scenario_.describe(id);
  EXPECT_EQ(count("sent"), 0);
  EXPECT_EQ(count("failed"), 0);
}

}  // namespace
}  // namespace tocsin
