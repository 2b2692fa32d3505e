// `tocsin alert followup ID FILE` against a real daemon (issue 8): an alert is sent through
// the Twilio-shaped server, two members answer yes through the signed inbound webhook, and
// the example follow-up of config/alerts/ goes to those two, with its preview; `tocsin alert
// show` says whose follow-up it is; a file with an unknown group, or a misspelt field, is
// refused with the field, or its line and column.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include "tests/support/alert_scenario.h"
#include "tests/support/daemon_process.h"
#include "tests/support/http_client.h"
#include "tests/support/temp_dir.h"
#include "tests/support/twilio_server.h"

namespace tocsin::testing {
namespace {

using namespace std::chrono_literals;

class EscalationCli : public ::testing::Test {
 protected:
  void SetUp() override {
    RosterOptions roster;
    roster.members = 6;
    roster.shared_phone_every = 0;
    members_ = scenario_.import_roster(roster);
    const auto sent = scenario_.send_and_wait(
        alert_json("SMS", R"({"sms":"{first_name}: assemblée à {place}. OUI ou NON {code}"})"),
        30s);
    id_ = sent.id;
    code_ = sent.code;
  }

  CommandResult cli(std::vector<std::string> args) {
    args.insert(args.begin(), TOCSIN_CLI_PATH);
    return run_command(
        args, {{"TOCSIN_URL", scenario_.daemon().base_url()}, {"TOCSIN_TOKEN", scenario_.token()}});
  }

  // Member `index` of the roster answers `text` from their phone.
  void reply(size_t index, const std::string& text) {
    const std::string phone = scenario_.redis().text(
        {"HGET", "{roster}:member:" + members_[index].id + ":idx", "mobile"});
    auto answer = post_twilio_reply(scenario_.daemon().base_url(), "tw", twilio_, phone, text,
                                    "SM" + std::to_string(index));
    ASSERT_EQ(answer.status, 200) << answer.body;
  }

  std::string write_file(const std::string& name, const std::string& text) {
    const auto path = dir_.path() / name;
    std::ofstream(path) << text;
    return path.string();
  }

  static std::string example() {
    return std::string(TOCSIN_SOURCE_DIR) + "/config/alerts/followup-place-change.textpb";
  }

  TwilioServer twilio_;
  AlertScenario scenario_{{.gateways = twilio_gateway_config("tw", twilio_, 1000)}};
  std::vector<RosterMember> members_;
  std::string id_;
  std::string code_;
  TempDir dir_{"escalation-cli"};
};

TEST_F(EscalationCli, AFollowUpToTheYesGroupPrintsItsIdGroupAndAPreviewOfItsTwoRecipients) {
  reply(0, "OUI");
  reply(1, "oui " + code_);
  reply(2, "NON");
  ASSERT_TRUE(eventually(
      [&] {
        return scenario_.redis().integer({"HLEN", "alert:{" + id_ + "}:rsvp"}) == 3;
      },
      10s))
      << scenario_.describe(id_);

  auto created = cli({"alert", "followup", id_, example()});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  std::smatch match;
  ASSERT_TRUE(std::regex_search(
      created.out, match,
      std::regex("created follow-up ([a-z0-9]{16}) of alert " + code_ + " to yes  \\(draft\\)")))
      << created.out;
  const std::string child = match[1];
  EXPECT_NE(child, id_);
  EXPECT_NE(created.out.find("Audience: 2 members"), std::string::npos) << created.out;
  // The recipients table's SMS row: fr, en, total.
  ASSERT_TRUE(
      std::regex_search(created.out, match, std::regex("\nSMS +([0-9]+) +([0-9]+) +([0-9]+) *\n")))
      << created.out;
  EXPECT_EQ(std::stoi(match[1]) + std::stoi(match[2]), 2) << created.out;
  EXPECT_EQ(match[3], "2") << created.out;
  // The texts quote the parent's code and place.
  EXPECT_NE(created.out.find("SMS, fr: "), std::string::npos) << created.out;
  EXPECT_NE(created.out.find("NON " + code_), std::string::npos) << created.out;
  EXPECT_NE(created.out.find("Parc Lafontaine"), std::string::npos) << created.out;
  EXPECT_NE(created.out.find("tocsin alert send " + child), std::string::npos) << created.out;

  auto shown = cli({"alert", "show", child});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_TRUE(std::regex_search(shown.out, std::regex("follow-up of +" + id_ + "  \\(to yes\\)")))
      << shown.out;
  EXPECT_NE(shown.out.find("Changement de lieu"), std::string::npos) << shown.out;
  EXPECT_NE(shown.out.find("draft"), std::string::npos) << shown.out;
}

TEST_F(EscalationCli, AFollowUpFileWithAnUnknownGroupIsRefusedNamingTargetGroup) {
  const std::string file =
      write_file("unknown-group.textpb",
                 "title: \"Changement de lieu\"\n"
                 "target_group: \"yess\"\n"
                 "channels: SMS\n"
                 "messages { key: \"fr\" value { sms: \"Parc Jarry {code}\" } }\n");
  auto refused = cli({"alert", "followup", id_, file});
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.err.find("target_group"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("yess"), std::string::npos) << refused.err;
  EXPECT_EQ(refused.out, "");
  // Nothing was stored.
  EXPECT_EQ(scenario_.redis().integer({"EXISTS", "alert:{" + id_ + "}:children"}), 0);
}

TEST_F(EscalationCli, AFollowUpFileWithAMisspeltFieldNamesItsLineAndColumn) {
  const std::string file = write_file("typo.textpb",
                                      "title: \"Changement de lieu\"\n"
                                      "  target_grup: \"yes\"\n"
                                      "channels: SMS\n");
  auto refused = cli({"alert", "followup", id_, file});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_TRUE(std::regex_search(refused.err, std::regex("typo\\.textpb:2:[0-9]+:"))) << refused.err;
  EXPECT_NE(refused.err.find("target_grup"), std::string::npos) << refused.err;
  EXPECT_EQ(refused.out, "");
  EXPECT_EQ(scenario_.redis().integer({"EXISTS", "alert:{" + id_ + "}:children"}), 0);
}

}  // namespace
}  // namespace tocsin::testing
