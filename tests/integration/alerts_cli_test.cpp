// `tocsin alert ...` against a real daemon: each example alert of config/alerts/ created
// from its file with its preview, file errors with line and column, and the lifecycle
// commands.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "http/json.h"
#include "proto/tocsin.pb.h"
#include "tests/support/daemon_process.h"
#include "tests/support/http_client.h"
#include "tests/support/redis_server.h"
#include "tests/support/redis_sync.h"
#include "tests/support/temp_dir.h"

namespace tocsin::testing {
namespace {

using namespace std::chrono_literals;

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class AlertsCli : public ::testing::Test {
 protected:
  // An example alert of config/alerts/, its dates moved from 2027 to 2094 (a year with the
  // same calendar, so weekdays and message lengths stay the same): the daemon rightly
  // refuses an alert that has expired, and these tests must outlive the examples' dates.
  std::string example(const std::string& name) {
    std::string text = read_text(std::string(TOCSIN_SOURCE_DIR) + "/config/alerts/" + name);
    return write_file("example-" + name, std::regex_replace(text, std::regex("2027-"), "2094-"));
  }

  void SetUp() override {
    daemon_ = std::make_unique<DaemonProcess>(DaemonProcess::Options{
        .redis_url = redis_.url(),
        .extra_config = "gateways { name: \"sms\" rate_per_second: 200 "
                        "file { channel: \"sms\" path: \"/dev/null\" } }\n"
                        "gateways { name: \"email\" rate_per_second: 100 "
                        "file { channel: \"email\" path: \"/dev/null\" } }\n"});
    ASSERT_TRUE(
        eventually([&] { return http_get(daemon_->base_url() + "/readyz").status == 200; }, 5s));
    admin_ = daemon_->bootstrap_admin("ops");
    auto imported =
        cli({"members", "import", std::string(TOCSIN_SOURCE_DIR) + "/config/sample-roster.csv"});
    ASSERT_EQ(imported.exit_code, 0) << imported.err;
  }

  CommandResult cli(std::vector<std::string> args) {
    args.insert(args.begin(), TOCSIN_CLI_PATH);
    return run_command(args, {{"TOCSIN_URL", daemon_->base_url()}, {"TOCSIN_TOKEN", admin_}});
  }

  AlertResponse create_json(const std::string& file) {
    auto result = cli({"--json", "alert", "create", file});
    EXPECT_EQ(result.exit_code, 0) << result.err;
    AlertResponse response;
    std::string error;
    EXPECT_TRUE(http::from_json(result.out, &response, &error)) << error << result.out;
    return response;
  }

  // Sends the alert `file` (within the approval threshold) and waits until every message is
  // handed to the gateways; its id.
  std::string send_and_finish(const std::string& file) {
    const std::string id = create_json(example(file)).alert().id();
    auto sent = cli({"alert", "send", id});
    EXPECT_EQ(sent.exit_code, 0) << sent.err;
    EXPECT_TRUE(eventually([&] { return shown_json(id).alert().state() == SENT; }, 30s));
    return id;
  }

  AlertResponse shown_json(const std::string& id) {
    AlertResponse response;
    std::string error;
    http::from_json(cli({"--json", "alert", "show", id}).out, &response, &error);
    return response;
  }

  std::string write_file(const std::string& name, const std::string& text) {
    const auto path = dir_.path() / name;
    std::ofstream(path) << text;
    return path.string();
  }

  RedisServer redis_;
  std::unique_ptr<DaemonProcess> daemon_;
  std::string admin_;
  TempDir dir_;
};

TEST_F(AlertsCli, CreatesEachExampleAlertWithItsPreview) {
  struct Case {
    std::string file;
    int64_t members;  // the sample roster's audience
    bool sms, email;
  };
  const std::vector<Case> cases = {
      {"banner-drop.textpb", 112, true, false},
      {"emergency-assembly.textpb", 156, true, true},
      {"special-law-threat.textpb", 1000, true, true},
  };
  int code = 0;
  for (const Case& c : cases) {
    SCOPED_TRACE(c.file);
    auto human = cli({"alert", "create", example(c.file)});
    ASSERT_EQ(human.exit_code, 0) << human.err;
    ++code;
    std::smatch match;
    ASSERT_TRUE(std::regex_search(
        human.out, match, std::regex("created alert ([a-z0-9]{16})  code A([0-9]+)  \\(draft\\)")))
        << human.out;
    EXPECT_EQ(match[2], std::to_string(code));
    const std::string id = match[1];
    EXPECT_NE(human.out.find("Audience: " + std::to_string(c.members) + " members"),
              std::string::npos)
        << human.out;
    EXPECT_NE(human.out.find("recipients  fr"), std::string::npos) << human.out;
    EXPECT_EQ(human.out.find("\nSMS  ") != std::string::npos ||
                  human.out.find("\nSMS ") != std::string::npos,
              c.sms)
        << human.out;
    EXPECT_EQ(human.out.find("\nemail ") != std::string::npos, c.email) << human.out;
    EXPECT_NE(human.out.find("SMS, fr: "), std::string::npos) << human.out;
    EXPECT_NE(human.out.find("estimated cost: $"), std::string::npos) << human.out;
    EXPECT_NE(human.out.find("estimated time: "), std::string::npos) << human.out;
    EXPECT_NE(human.out.find("next: "), std::string::npos) << human.out;
    EXPECT_NE(human.out.find("tocsin alert approve " + id), std::string::npos) << human.out;

    const AlertResponse json = create_json(example(c.file));
    ++code;
    EXPECT_TRUE(std::regex_match(json.alert().id(), std::regex("[a-z0-9]{16}")));
    EXPECT_EQ(json.alert().code(), "A" + std::to_string(code));
    EXPECT_EQ(json.alert().state(), DRAFT);
    EXPECT_EQ(json.alert().created_by(), "ops");
    EXPECT_EQ(json.audience_members(), c.members);
    EXPECT_EQ(json.needs_second_approval(), c.members > 500);
    EXPECT_EQ(json.preview().sms_size(), c.sms ? 2 : 0);
    EXPECT_EQ(json.preview().email_size(), c.email ? 2 : 0);
    EXPECT_GT(json.preview().sms_recipients(), 0);
    EXPECT_LE(json.preview().sms_recipients(), c.members);
    EXPECT_EQ(json.preview().email_recipients() > 0, c.email);
    EXPECT_GT(json.preview().estimated_cost_cents(), 0);
    EXPECT_GT(json.preview().estimated_seconds(), 0);
    for (const auto& sms : json.preview().sms()) {
      EXPECT_NE(sms.text().find("A" + std::to_string(code)), std::string::npos)
          << "the SMS quotes the alert's own code: " << sms.text();
    }
  }
}

TEST_F(AlertsCli, TheSpecialLawPreviewShowsWhatForcedUcs2) {
  auto result = cli({"alert", "create", example("special-law-threat.textpb")});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("SMS, fr: UCS-2, 3 segments"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("UCS-2 because of: Ê"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("a second executive must approve it"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("next: another executive approves it"), std::string::npos)
      << result.out;
}

TEST_F(AlertsCli, FileErrorsNameTheLineAndColumnAndExit2) {
  const std::string typo = write_file("typo.textpb",
                                      "kind: BANNER_DROP\n"
                                      "titel: \"Bannière\"\n");
  auto result = cli({"alert", "create", typo});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("typo.textpb:2:"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("titel"), std::string::npos) << result.err;
  EXPECT_EQ(result.out, "");

  auto missing = cli({"alert", "create", (dir_.path() / "nowhere.textpb").string()});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("cannot read"), std::string::npos) << missing.err;

  // Well-formed but invalid: the daemon names the field.
  std::string text = read_text(example("banner-drop.textpb"));
  text = std::regex_replace(text, std::regex("title: \"[^\"]*\""), "title: \"\"");
  auto invalid = cli({"alert", "create", write_file("untitled.textpb", text)});
  EXPECT_EQ(invalid.exit_code, 2);
  EXPECT_NE(invalid.err.find("title: is required"), std::string::npos) << invalid.err;
}

TEST_F(AlertsCli, AMisspeltKindOrFieldGetsTheClosestName) {
  const std::string kind = write_file("kind.textpb", "title: \"Bannière\"\nkind: BANER_DROP\n");
  auto result = cli({"alert", "create", kind});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.err, "tocsin: " + kind +
                            ":2:7: unknown kind \"BANER_DROP\": did you mean \"BANNER_DROP\"?\n");
  EXPECT_EQ(result.out, "");

  const std::string field = write_file("field.textpb", "kind: BANNER_DROP\ntitel: \"Bannière\"\n");
  result = cli({"alert", "create", field});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(
      result.err,
      "tocsin: " + field + ":2:1: \"titel\" is not a field of an alert: did you mean \"title\"?\n");
}

TEST_F(AlertsCli, AFollowUpFileGivenToCreateSaysToUseFollowup) {
  const std::string followup = example("followup-place-change.textpb");
  auto result = cli({"alert", "create", followup});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.err, "tocsin: " + followup +
                            ": this is a follow-up (it names a target_group): send it with tocsin "
                            "alert followup ALERT_ID " +
                            followup + "\n");
  EXPECT_EQ(result.out, "");
  // Nothing was created.
  auto list = cli({"--json", "alert", "list"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_EQ(list.out.find("\"id\""), std::string::npos) << list.out;
}

TEST_F(AlertsCli, ShowApproveCancelAndList) {
  const AlertResponse created = create_json(example("banner-drop.textpb"));
  const std::string id = created.alert().id();

  auto approved = cli({"alert", "approve", id});
  ASSERT_EQ(approved.exit_code, 0) << approved.err;
  EXPECT_EQ(approved.out, "alert A1 (" + id + ") is approved\n");

  auto shown = cli({"alert", "show", id});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_NE(shown.out.find("approved"), std::string::npos) << shown.out;
  EXPECT_NE(shown.out.find("by ops"), std::string::npos) << shown.out;
  EXPECT_TRUE(std::regex_search(shown.out, std::regex("\nkind +banner drop\n"))) << shown.out;

  auto preview = cli({"alert", "preview", id});
  ASSERT_EQ(preview.exit_code, 0) << preview.err;
  EXPECT_NE(preview.out.find("Audience: 112 members"), std::string::npos) << preview.out;

  auto listed = cli({"alert", "list"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_NE(listed.out.find("A1    approved  banner drop  -        -        -  "),
            std::string::npos)
      << listed.out;

  auto cancelled = cli({"alert", "cancel", id});
  ASSERT_EQ(cancelled.exit_code, 0) << cancelled.err;
  EXPECT_EQ(cancelled.out, "alert A1 (" + id + ") is cancelled\n");
  auto again = cli({"alert", "cancel", id});
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_NE(again.err.find("cancelled"), std::string::npos) << again.err;

  auto unknown = cli({"alert", "show", "aaaaaaaaaaaaaaaa"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("no alert"), std::string::npos) << unknown.err;
}

// Columns a terminal shows before byte `pos` of a line: one per UTF-8 character.
size_t columns_before(const std::string& line, size_t pos) {
  size_t columns = 0;
  for (size_t i = 0; i < pos; ++i) {
    if ((static_cast<unsigned char>(line[i]) & 0xC0) != 0x80) ++columns;
  }
  return columns;
}

// The kind and state in words, and each alert's members, members reached and members who
// answered yes (from the turnout's counts, as the list route gives them): numbers once sent,
// "-" before. Times on the union's clock, named in the header.
TEST_F(AlertsCli, ListNamesKindsInWordsAndCountsMembersReachedAndYes) {
  const std::string sent = send_and_finish("banner-drop.textpb");
  create_json(example("special-law-threat.textpb"));
  std::smatch row;
  auto listed = cli({"alert", "list"});
  EXPECT_TRUE(eventually(
      [&] {
        listed = cli({"alert", "list"});
        return std::regex_search(listed.out, row,
                                 std::regex("\nA1 +sent +banner drop +112 +112 +0 +"));
      },
      10s))
      << listed.out;
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_TRUE(std::regex_search(
      listed.out,
      std::regex("^code +state +kind +members +reached +yes +created \\(America/Toronto\\) +by "
                 "+id +title\n")))
      << listed.out;
  EXPECT_TRUE(std::regex_search(
      listed.out, std::regex("\nA2 +draft +special-law threat +- +- +- +[A-Z][a-z]{2} "
                             "[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2} +ops +")))
      << listed.out;
  EXPECT_EQ(listed.out.find("_"), std::string::npos) << "no enum name: " << listed.out;
  EXPECT_EQ(listed.out.find("UTC"), std::string::npos) << listed.out;

  auto json = cli({"--json", "alert", "list"});
  AlertListResponse list;
  std::string error;
  ASSERT_TRUE(http::from_json(json.out, &list, &error)) << error;
  ASSERT_EQ(list.counts_size(), 2);
  EXPECT_EQ(list.counts(1).alert_id(), sent);
  EXPECT_EQ(list.counts(1).members(), 112);
  EXPECT_EQ(list.time_zone(), "America/Toronto");
}

// Every time on one clock, the union's, named once; members and messages each labelled
// (an alert by SMS and email sends more messages than it has members).
TEST_F(AlertsCli, ShowGivesEveryTimeInTheUnionsZoneAndTellsMessagesFromMembers) {
  const std::string id = send_and_finish("emergency-assembly.textpb");
  const AlertResponse json = shown_json(id);
  int64_t messages = 0;
  for (const auto& [state, count] : json.delivery()) messages += count;
  ASSERT_GT(messages, 156) << "SMS and email: more messages than members";

  auto shown = cli({"alert", "show", id});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  const std::string& out = shown.out;
  EXPECT_TRUE(std::regex_search(out, std::regex("\ntimes +in America/Toronto, the union's time "
                                                "zone\n")))
      << out;
  EXPECT_TRUE(std::regex_search(out, std::regex("\nevent time +Sun 2094-06-06 10:00\n"))) << out;
  EXPECT_TRUE(std::regex_search(out, std::regex("\nexpires at +Sun 2094-06-06 06:00\n"))) << out;
  EXPECT_TRUE(std::regex_search(
      out, std::regex("\ncreated +by ops, [A-Z][a-z]{2} [0-9]{4}-[0-9]{2}-[0-9]{2} "
                      "[0-9]{2}:[0-9]{2}\n")))
      << out;
  EXPECT_EQ(out.find("UTC"), std::string::npos) << out;
  EXPECT_EQ(out.find("EDT"), std::string::npos) << "the zone is named once: " << out;
  EXPECT_TRUE(std::regex_search(out, std::regex("\nchannels +SMS and email\n"))) << out;
  EXPECT_TRUE(std::regex_search(
      out, std::regex("\nmembers +156 in the audience \\(frozen when sending started\\)\n")))
      << out;
  EXPECT_TRUE(std::regex_search(out, std::regex("\nreached +156 members "))) << out;
  EXPECT_TRUE(std::regex_search(out, std::regex("\nanswered yes +0 members\n"))) << out;
  EXPECT_TRUE(std::regex_search(
      out, std::regex("\nmessages +" + std::to_string(messages) +
                      " to those 156 members \\(an SMS and an email count as two; a shared "
                      "phone gets one\\)\n")))
      << out;
  for (const auto& [state, count] : json.delivery()) {
    EXPECT_TRUE(std::regex_search(out, std::regex("\n  " + state + " +" + std::to_string(count) +
                                                  (count == 1 ? " message\n" : " messages\n"))))
        << state << ": " << out;
  }
}

// A send the two-person rule refuses says what to run next, and who may run it; run as
// printed, by another executive, it lets the send through.
TEST_F(AlertsCli, ARefusedSendNamesTheApproveCommandAndWhoMayRunIt) {
  const std::string id = create_json(example("special-law-threat.textpb")).alert().id();
  auto refused = cli({"alert", "send", id});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_EQ(refused.out, "");
  EXPECT_EQ(refused.err,
            "tocsin: not sent: the audience has 1000 members, more than 500: a second executive "
            "(not the alert's creator) must approve it first\n"
            "to approve it (an executive or admin other than ops, who created it):\n"
            "  tocsin alert approve " +
                id +
                "\n"
                "then send it:\n"
                "  tocsin alert send " +
                id + "\n");

  const std::string marie =
      daemon_->create_token(admin_, R"({"name": "Marie", "role": "executive"})");
  auto approved = run_command({TOCSIN_CLI_PATH, "alert", "approve", id},
                              {{"TOCSIN_URL", daemon_->base_url()}, {"TOCSIN_TOKEN", marie}});
  ASSERT_EQ(approved.exit_code, 0) << approved.err;
  auto sent = cli({"alert", "send", id});
  EXPECT_EQ(sent.exit_code, 0) << sent.err;
  EXPECT_NE(sent.out.find("is sending: 1000 members"), std::string::npos) << sent.out;
}

// `tocsin watch` within 80 columns (and 60): the narrow layout, no line longer than the
// terminal, so nothing wraps; without a width (a pipe), the wide table, wider than 80.
TEST_F(AlertsCli, WatchStaysWithinTheTerminalsWidth) {
  const std::string id = send_and_finish("emergency-assembly.textpb");
  auto watch = [&](const std::string& columns) {
    return run_command(
        {TOCSIN_CLI_PATH, "watch", id, "--updates", "1"},
        {{"TOCSIN_URL", daemon_->base_url()}, {"TOCSIN_TOKEN", admin_}, {"COLUMNS", columns}});
  };
  auto widest = [](const std::string& text) {
    size_t widest = 0;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
      widest = std::max(widest, columns_before(line, line.size()));
    }
    return widest;
  };
  auto wide = watch("");
  ASSERT_EQ(wide.exit_code, 0) << wide.err;
  EXPECT_GT(widest(wide.out), 80u) << wide.out;
  EXPECT_TRUE(std::regex_search(wide.out, std::regex("\nTotal +156 +"))) << wide.out;

  for (size_t width : {80u, 60u}) {
    SCOPED_TRACE(width);
    auto narrow = watch(std::to_string(width));
    ASSERT_EQ(narrow.exit_code, 0) << narrow.err;
    EXPECT_LE(widest(narrow.out), width) << narrow.out;
    // Both tables keep every count of the Total row: delivery, then answers.
    EXPECT_TRUE(std::regex_search(narrow.out, std::regex("\n +targeted +sent +delivered")))
        << narrow.out;
    EXPECT_TRUE(std::regex_search(narrow.out, std::regex("\nTotal +156 +156 +"))) << narrow.out;
    EXPECT_TRUE(std::regex_search(narrow.out, std::regex("\n +yes +no +maybe +unknown")))
        << narrow.out;
    EXPECT_TRUE(std::regex_search(narrow.out, std::regex("\nTotal +0 +0 +0 +0 +156\n")))
        << narrow.out;
    EXPECT_TRUE(std::regex_search(narrow.out, std::regex("\n +coming +bus +car\n"))) << narrow.out;
  }
}

TEST_F(AlertsCli, ListLinesUpColumnsAfterAnAccentedName) {
  const std::string helene =
      daemon_->create_token(admin_, R"({"name": "Hélène Côté", "role": "executive"})");
  const std::string by_ops = create_json(example("banner-drop.textpb")).alert().id();
  auto created =
      run_command({TOCSIN_CLI_PATH, "--json", "alert", "create", example("banner-drop.textpb")},
                  {{"TOCSIN_URL", daemon_->base_url()}, {"TOCSIN_TOKEN", helene}});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  AlertResponse by_helene;
  std::string error;
  ASSERT_TRUE(http::from_json(created.out, &by_helene, &error)) << error;

  auto listed = cli({"alert", "list"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  // The id column starts at the same column on the header, ops' line and Hélène's, though
  // "Hélène Côté" takes 3 bytes more than it takes columns.
  std::istringstream lines(listed.out);
  std::string header, first, second;
  ASSERT_TRUE(std::getline(lines, header) && std::getline(lines, first) &&
              std::getline(lines, second))
      << listed.out;
  const std::string& ops_line = first.find(by_ops) != std::string::npos ? first : second;
  const std::string& helene_line = first.find(by_ops) != std::string::npos ? second : first;
  ASSERT_NE(helene_line.find("Hélène Côté"), std::string::npos) << listed.out;
  ASSERT_NE(helene_line.find(by_helene.alert().id()), std::string::npos) << listed.out;
  const size_t id_column = columns_before(header, header.find("  id  ") + 2);
  EXPECT_EQ(columns_before(ops_line, ops_line.find(by_ops)), id_column) << listed.out;
  EXPECT_EQ(columns_before(helene_line, helene_line.find(by_helene.alert().id())), id_column)
      << listed.out;
}

// A title with a terminal escape is refused with where it is; one stored before that check
// (an older record) is printed escaped by list and show: never a raw control character,
// never a forged row.
TEST_F(AlertsCli, ControlCharactersAreRefusedAndNeverPrintedRaw) {
  std::string text = read_text(example("banner-drop.textpb"));
  const std::string escaped_title =
      std::regex_replace(text, std::regex("title: \"[^\"]*\""), "title: \"ab\\033[31mrouge\"");
  auto refused = cli({"alert", "create", write_file("escape.textpb", escaped_title)});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_EQ(refused.err, "tocsin: title: contains a control character (U+001B) at position 3\n");
  EXPECT_EQ(refused.out, "");

  const std::string id = create_json(example("banner-drop.textpb")).alert().id();
  // An older record: its title written straight into the stored Alert.
  RedisSync store(redis_.port());
  const std::string key = "alert:{" + id + "}";
  Alert stored;
  ASSERT_TRUE(stored.ParseFromString(store.text({"HGET", key, "proto"})));
  stored.set_title("Vrai\x1b[2J\nA9    sent  fake\xc2\x9b");
  store.command({"HSET", key, "proto", stored.SerializeAsString()});

  auto listed = cli({"alert", "list"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_NE(listed.out.find("Vrai\\u001b[2J\\u000aA9    sent  fake\\u009b"), std::string::npos)
      << listed.out;
  auto shown = cli({"alert", "show", id});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_TRUE(std::regex_search(
      shown.out, std::regex(R"(\ntitle +Vrai\\u001b\[2J\\u000aA9    sent  fake\\u009b\n)")))
      << shown.out;
  for (const auto& out : {listed.out, shown.out}) {
    EXPECT_EQ(out.find('\x1b'), std::string::npos) << out;
    EXPECT_EQ(out.find("\xc2\x9b"), std::string::npos) << out;
  }
  EXPECT_EQ(std::count(listed.out.begin(), listed.out.end(), '\n'), 2) << "header and one row";
}

}  // namespace
}  // namespace tocsin::testing
