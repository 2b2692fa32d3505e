// Roster import and audience counts through a real tocsind and redis-server.

#include <gtest/gtest.h>
#include <hiredis/hiredis.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "http/json.h"
#include "proto/tocsin.pb.h"
#include "tests/support/daemon_process.h"
#include "tests/support/http_client.h"
#include "tests/support/redis_server.h"
#include "tests/support/redis_sync.h"
#include "tests/support/synthetic_roster.h"

namespace tocsin::testing {
namespace {

using namespace std::chrono_literals;

constexpr int kSharedPhoneExamplesShown = 3;  // by `tocsin members import`

const std::string header =
    "Numéro de membre,Prénom,Nom,Cellulaire,Courriel,Langue,Région,Secteur,Syndicat local,"
    "Titre d'emploi,Étiquettes\n";

class MembersImport : public ::testing::Test {
 protected:
  void SetUp() override {
    daemon_ = std::make_unique<DaemonProcess>(DaemonProcess::Options{.redis_url = redis_.url()});
    admin_ = daemon_->bootstrap_admin("ops");
  }

  HttpResponse post_csv(const std::string& csv, const std::string& query = "") {
    return http_request("POST", daemon_->base_url() + "/v1/members:import" + query, csv,
                        {"Authorization: Bearer " + admin_, "Content-Type: text/csv"});
  }
  ImportReport import(const std::string& csv, const std::string& query = "") {
    auto response = post_csv(csv, query);
    EXPECT_EQ(response.status, 200) << response.body << response.error;
    ImportReport report;
    std::string error;
    EXPECT_TRUE(http::from_json(response.body, &report, &error)) << error;
    return report;
  }
  MemberCountResponse count(const std::string& audience) {
    auto response = http_get(daemon_->base_url() + "/v1/members:count?audience=" + escape(audience),
                             {"Authorization: Bearer " + admin_});
    EXPECT_EQ(response.status, 200) << audience << ": " << response.body;
    MemberCountResponse reply;
    std::string error;
    EXPECT_TRUE(http::from_json(response.body, &reply, &error)) << error;
    return reply;
  }
  static std::string escape(const std::string& text) {
    std::string out;
    for (unsigned char c : text) {
      if (std::isalnum(c) || c == '-' || c == '_' || c == '.') {
        out += static_cast<char>(c);
      } else {
        char buffer[4];
        std::snprintf(buffer, sizeof buffer, "%%%02X", c);
        out += buffer;
      }
    }
    return out;
  }
  // HGET key field, "" when absent.
  std::string redis_hget(const std::string& key, const std::string& field) {
    redisContext* ctx = redisConnect("127.0.0.1", redis_.port());
    EXPECT_TRUE(ctx != nullptr && ctx->err == 0);
    auto* reply =
        static_cast<redisReply*>(redisCommand(ctx, "HGET %s %s", key.c_str(), field.c_str()));
    std::string value = reply != nullptr && reply->type == REDIS_REPLY_STRING
                            ? std::string(reply->str, reply->len)
                            : std::string();
    freeReplyObject(reply);
    redisFree(ctx);
    return value;
  }
  void redis_command(const std::string& a, const std::string& b, const std::string& c) {
    redisContext* ctx = redisConnect("127.0.0.1", redis_.port());
    ASSERT_TRUE(ctx != nullptr && ctx->err == 0);
    freeReplyObject(redisCommand(ctx, "%s %s %s", a.c_str(), b.c_str(), c.c_str()));
    redisFree(ctx);
  }
  static const ImportProblem* problem_at(const ImportReport& report, int64_t line,
                                         const std::string& column) {
    for (const auto& problem : report.problems()) {
      if (problem.line() == line && problem.column() == column) return &problem;
    }
    return nullptr;
  }

  RedisServer redis_;
  std::unique_ptr<DaemonProcess> daemon_;
  std::string admin_;
};

std::string sample_roster() {
  std::ifstream in(std::string(TOCSIN_SOURCE_DIR) + "/config/sample-roster.csv");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

size_t lines_containing(const std::string& text, const std::string& needle) {
  size_t count = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

TEST_F(MembersImport, SampleRosterImportsAndCountsByRegionAccentInsensitively) {
  const std::string csv = sample_roster();
  ASSERT_GT(csv.size(), 1000u);
  ImportReport report = import(csv);
  EXPECT_EQ(report.rows(), 1000);
  EXPECT_EQ(report.imported(), 1000);
  EXPECT_EQ(report.rejected(), 0);
  EXPECT_GT(report.shared_phones(), 0) << "the sample has members sharing a phone";
  EXPECT_EQ(count("all").members(), 1000);
  EXPECT_EQ(count("region:monteregie").members(),
            static_cast<int64_t>(lines_containing(csv, ",Montérégie,")));
  EXPECT_EQ(count("REGION:Montérégie").members(), count("region:monteregie").members());
  const auto both = count("region:estrie AND (sector:sante OR tag:mob-unit)");
  EXPECT_GT(both.members(), 0);
  EXPECT_LT(both.members(), count("region:estrie").members());

  ImportReport again = import(csv);
  EXPECT_EQ(again.unchanged(), 1000);
  EXPECT_EQ(again.imported(), 0);
  EXPECT_EQ(again.updated(), 0);
}

// A write script holds Redis for every member it is given, and replies and sends wait
// behind it: the importer writes (and, with replace, removes) at most 50 members per call
// whatever its batches hold. The slow log, logging every call, shows each call's size.
TEST_F(MembersImport, WritesAndRemovesInCallsOfAtMostFiftyMembers) {
  RedisSync redis(redis_.port());
  redis.command({"CONFIG", "SET", "slowlog-log-slower-than", "0"});
  redis.command({"CONFIG", "SET", "slowlog-max-len", "100000"});
  // The roster's scripts: EVALSHA sha numkeys {roster}:members:all ...; past 32 arguments
  // the log keeps 31 and "... (N more arguments)".
  auto roster_calls = [&] {
    std::vector<size_t> sizes;
    for (const auto& entry : redis.command({"SLOWLOG", "GET", "-1"}).elements) {
      const auto& argv = entry.elements.at(3).elements;
      if (argv.size() < 4 || argv[0].str != "EVALSHA" || argv[3].str != "{roster}:members:all" ||
          std::stoi(argv[2].str) < 100) {
        continue;
      }
      unsigned long more = 0;
      std::sscanf(argv.back().str.c_str(), "... (%lu more arguments)", &more);
      sizes.push_back(argv.size() + (more > 0 ? more - 1 : 0));
    }
    redis.command({"SLOWLOG", "RESET"});
    return sizes;
  };
  const std::string csv = sample_roster();
  EXPECT_EQ(import(csv).imported(), 1000);
  const auto writes = roster_calls();
  // 1,000 members in calls of 50: 20 calls of about 1,400 arguments (one call of all of
  // them would take about 27,000).
  EXPECT_GE(writes.size(), 20u);
  for (size_t size : writes) EXPECT_LT(size, 2000u);

  // Keep the first 100 rows: 900 removed.
  std::istringstream lines(csv);
  std::string line, kept;
  for (int i = 0; i < 101 && std::getline(lines, line); ++i) kept += line + "\n";
  EXPECT_EQ(import(kept, "?replace=true").removed(), 900);
  EXPECT_EQ(count("all").members(), 100);
  const auto removals = roster_calls();
  EXPECT_GE(removals.size(), 900u / 50);
  for (size_t size : removals) EXPECT_LT(size, 2000u);
}

// Shared phones are counted per number, once the file is read: the same numbers and members
// on a first import (where the second row of a pair finds the first), a dry run, and a
// re-import of the same file (where each row finds the other).
TEST_F(MembersImport, SharedPhonesCountTheSameOnAFirstImportAndAReimport) {
  // Member 99, stored before, has 819-555-0199; the file does not name them.
  import(header + "99,Z,Z,819-555-0199,,fr,Estrie,Santé,1001,,\n");
  const std::string csv = header +
                          "1,A,A,819-555-0101,,fr,Estrie,Santé,1001,,\n"   // line 2
                          "2,B,B,819-555-0102,,fr,Estrie,Santé,1001,,\n"   // line 3
                          "3,C,C,819-555-0101,,fr,Estrie,Santé,1001,,\n"   // line 4
                          "4,D,D,819-555-0104,,fr,Estrie,Santé,1001,,\n"   // line 5
                          "5,E,E,819-555-0104,,fr,Estrie,Santé,1001,,\n"   // line 6
                          "6,F,F,819-555-0104,,fr,Estrie,Santé,1001,,\n"   // line 7
                          "7,G,G,819-555-0199,,fr,Estrie,Santé,1001,,\n";  // line 8
  auto expect_shared = [](const ImportReport& report) {
    EXPECT_EQ(report.shared_phones(), 3) << http::to_json(report);
    EXPECT_EQ(report.shared_phone_members(), 6) << http::to_json(report);
    ASSERT_EQ(report.phones_shared_size(), 3);
    EXPECT_EQ(report.phones_shared(0).phone(), "+1819***0101");
    EXPECT_EQ(std::vector<int64_t>(report.phones_shared(0).lines().begin(),
                                   report.phones_shared(0).lines().end()),
              (std::vector<int64_t>{2, 4}));
    EXPECT_EQ(report.phones_shared(1).phone(), "+1819***0104");
    EXPECT_EQ(report.phones_shared(1).lines_size(), 3);
    EXPECT_EQ(report.phones_shared(2).phone(), "+1819***0199");
    EXPECT_EQ(report.phones_shared(2).lines_size(), 1) << "shared with member 99, not in the file";
    for (const auto& problem : report.problems()) {
      EXPECT_NE(problem.column(), "mobile") << "a shared phone is not a problem of its row";
    }
  };
  {
    SCOPED_TRACE("dry run");
    expect_shared(import(csv, "?dry_run=true"));
  }
  {
    SCOPED_TRACE("first import");
    const ImportReport first = import(csv);
    EXPECT_EQ(first.imported(), 7);
    expect_shared(first);
  }
  {
    SCOPED_TRACE("re-import");
    const ImportReport again = import(csv);
    EXPECT_EQ(again.unchanged(), 7);
    expect_shared(again);
  }
}

TEST_F(MembersImport, AnUpdateMovesAMemberBetweenRegions) {
  import(header + "1,Marie,Côté,819-555-0101,marie@exemple.qc.ca,fr,Estrie,Santé,1001,,\n");
  ImportReport moved =
      import(header + "1,Marie,Côté,819-555-0101,marie@exemple.qc.ca,fr,Montérégie,Santé,1001,,\n");
  EXPECT_EQ(moved.updated(), 1);
  EXPECT_EQ(count("region:estrie").unknown_terms_size(), 1) << "nobody is left in Estrie";
  EXPECT_EQ(count("region:estrie").members(), 0);
  EXPECT_EQ(count("region:monteregie").members(), 1);
}

// The alert preview counts recipients per language from the index, without reading records.
TEST_F(MembersImport, TheIndexKeepsEachMembersLanguage) {
  import(header +
         "1,Marie,Côté,819-555-0101,,fr,Estrie,Santé,1001,,\n"
         "2,Alex,Smith,819-555-0102,,English,Estrie,Santé,1001,,\n"
         "3,Sam,Roy,819-555-0103,,,Estrie,Santé,1001,,\n");
  EXPECT_EQ(redis_hget("{roster}:member:1:idx", "language"), "fr");
  EXPECT_EQ(redis_hget("{roster}:member:2:idx", "language"), "en");
  EXPECT_EQ(redis_hget("{roster}:member:3:idx", "language"), "fr") << "no language: French";

  // An index written before languages were indexed gets the field on the next import, even
  // when the member did not change.
  redis_command("HDEL", "{roster}:member:2:idx", "language");
  ImportReport again = import(header +
                              "1,Marie,Côté,819-555-0101,,fr,Estrie,Santé,1001,,\n"
                              "2,Alex,Smith,819-555-0102,,English,Estrie,Santé,1001,,\n");
  EXPECT_EQ(again.unchanged(), 2);
  EXPECT_EQ(redis_hget("{roster}:member:2:idx", "language"), "en");
}

TEST_F(MembersImport, DryRunReportsAndChangesNothing) {
  import(header + "1,A,B,819-555-0101,,fr,Estrie,Santé,1001,,\n");
  ImportReport dry = import(header +
                                "1,A,B,819-555-0101,,fr,Laval,Santé,1001,,\n"
                                "2,C,D,819-555-0102,,fr,Laval,Santé,1001,,\n",
                            "?dry_run=true");
  EXPECT_TRUE(dry.dry_run());
  EXPECT_EQ(dry.updated(), 1);
  EXPECT_EQ(dry.imported(), 1);
  EXPECT_EQ(count("all").members(), 1);
  EXPECT_EQ(count("region:estrie").members(), 1);
}

TEST_F(MembersImport, ReplaceRemovesAbsentMembersAfterADryRunSaysHowMany) {
  const std::string two = header +
                          "1,A,B,819-555-0101,,fr,Estrie,Santé,1001,,\n"
                          "2,C,D,819-555-0102,,fr,Estrie,Santé,1001,mob-unit,\n";
  import(two);
  const std::string one = header + "1,A,B,819-555-0101,,fr,Estrie,Santé,1001,,\n";
  EXPECT_EQ(import(one, "?dry_run=true&replace=true").removed(), 1);
  EXPECT_EQ(count("all").members(), 2);
  EXPECT_EQ(import(one, "?replace=true").removed(), 1);
  EXPECT_EQ(count("all").members(), 1);
  EXPECT_EQ(count("tag:mob-unit").members(), 0) << "indexes forget a removed member";
}

TEST_F(MembersImport, ReplaceWithNoValidRowRemovesNobody) {
  import(header + "1,A,B,819-555-0101,,fr,Estrie,Santé,1001,,\n");
  ImportReport report = import(header + ",no,id,819-555-0101,,fr,,,,,\n", "?replace=true");
  EXPECT_EQ(report.removed(), 0);
  EXPECT_EQ(count("all").members(), 1);
}

TEST_F(MembersImport, FailedImportsChangeNothing) {
  import(header + "1,A,B,819-555-0101,,fr,Estrie,Santé,1001,,\n");
  auto empty = post_csv("");
  EXPECT_EQ(empty.status, 400);
  EXPECT_NE(empty.body.find("empty"), std::string::npos) << empty.body;
  auto no_id = post_csv("Prénom,Cellulaire\nA,819-555-0101\n", "?replace=true");
  EXPECT_EQ(no_id.status, 400);
  EXPECT_NE(no_id.body.find("\"field\":\"member_id\""), std::string::npos) << no_id.body;
  EXPECT_EQ(count("all").members(), 1);

  ImportReport header_only = import(header);
  EXPECT_EQ(header_only.rows(), 0);
}

TEST_F(MembersImport, BadRowsAreReportedByLineAndColumn) {
  const std::string csv =
      header +
      "1,Too,Few\n"                                                 // line 2
      "2,A,B,819-555-0102,,fr,Estrie,Santé,1001,,,extra\n"          // line 3
      "3,A,B,555-1234,a3@exemple.qc.ca,fr,Estrie,Santé,1001,,\n"    // line 4
      "4,A,B,+44 20 7946 0958,,en,Estrie,Santé,1001,,\n"            // line 5
      "5,A,B,abc,a5@exemple.qc.ca,fr,Estrie,Santé,1001,,\n"         // line 6
      "6,A,B,819-555-0106,not-an-email,fr,Estrie,Santé,1001,,\n"    // line 7
      "7,A,B,819-555-0107,,fr,Estrie,Santé,1001,,\n"                // line 8
      "7,A,B,819-555-0117,,fr,Estrie,Santé,1001,,\n"                // line 9
      "8,\"Multi\nline\",B,819-555-0108,,fr,Estrie,Santé,1001,,\n"  // lines 10-11
      "9,A,B,819-555-0109,,fr,Estr\xff"
      "ie,Santé,1001,,\n"                                            // line 12
      "10,\"unterminated,B,819-555-0110,,fr,Estrie,Santé,1001,,\n";  // line 13
  ImportReport report = import(csv);
  EXPECT_EQ(report.rows(), 11);
  ASSERT_NE(problem_at(report, 2, ""), nullptr);
  EXPECT_TRUE(problem_at(report, 2, "")->rejected());
  ASSERT_NE(problem_at(report, 3, ""), nullptr);
  const auto* no_area = problem_at(report, 4, "mobile");
  ASSERT_NE(no_area, nullptr);
  EXPECT_FALSE(no_area->rejected()) << "kept for email";
  EXPECT_EQ(problem_at(report, 5, "mobile"), nullptr) << "a valid foreign number is kept";
  ASSERT_NE(problem_at(report, 6, "mobile"), nullptr);
  const auto* bad_email = problem_at(report, 7, "email");
  ASSERT_NE(bad_email, nullptr);
  EXPECT_FALSE(bad_email->rejected()) << "a bad email with a good phone is kept for SMS";
  const auto* duplicate = problem_at(report, 9, "member_id");
  ASSERT_NE(duplicate, nullptr);
  EXPECT_TRUE(duplicate->rejected());
  EXPECT_EQ(problem_at(report, 10, ""), nullptr) << "a quoted newline is fine";
  ASSERT_NE(problem_at(report, 12, "region"), nullptr);
  EXPECT_NE(problem_at(report, 12, "region")->reason().find("UTF-8"), std::string::npos);
  bool unterminated = false;
  for (const auto& problem : report.problems()) {
    if (problem.line() == 13 && problem.reason().find("unterminated") != std::string::npos) {
      unterminated = true;
    }
  }
  EXPECT_TRUE(unterminated);
  // Kept: 3 (email only), 4 (UK), 5 (email only), 6 (SMS only), 7, 8.
  EXPECT_EQ(report.imported(), 6) << http::to_json(report);
  EXPECT_EQ(count("all").members(), 6);
  EXPECT_EQ(count("all").sms_reachable(), 4);
}

TEST_F(MembersImport, UnknownHeadersAreIgnoredNotFatal) {
  ImportReport report = import("Member ID,Mobile,Shoe size\n1,819-555-0101,42\n");
  EXPECT_EQ(report.imported(), 1);
  ASSERT_EQ(report.ignored_columns_size(), 1);
  EXPECT_EQ(report.ignored_columns(0), "Shoe size");
}

TEST_F(MembersImport, Windows1252FromExcelIsConverted) {
  // "Montérégie" and "Françoise" as Excel on Windows saves them, with ';' separators.
  const std::string csv =
      "Num\xe9ro de membre;Pr\xe9nom;Cellulaire;R\xe9gion\r\n"
      "1;Fran\xe7oise;819-555-0101;Mont\xe9r\xe9gie\r\n";
  ImportReport report = import(csv);
  EXPECT_EQ(report.encoding(), "windows-1252");
  EXPECT_EQ(report.delimiter(), ";");
  EXPECT_EQ(report.imported(), 1);
  EXPECT_EQ(count("region:monteregie").members(), 1);
}

TEST_F(MembersImport, OptOutsSurviveImportsAndRemoval) {
  redis_command("SADD", "{roster}:optout:sms", "+18195550101");
  const std::string csv = header +
                          "1,A,B,819-555-0101,a@exemple.qc.ca,fr,Estrie,Santé,1001,,\n"
                          "2,C,D,819-555-0102,,fr,Estrie,Santé,1001,,\n";
  import(csv);
  auto counted = count("all");
  EXPECT_EQ(counted.members(), 2);
  EXPECT_EQ(counted.sms_reachable(), 1);
  EXPECT_EQ(counted.email_reachable(), 1);
  // Removed, then added again: still opted out.
  import(header + "2,C,D,819-555-0102,,fr,Estrie,Santé,1001,,\n", "?replace=true");
  import(csv);
  EXPECT_EQ(count("all").sms_reachable(), 1);
}

TEST_F(MembersImport, CountTellsUnknownValuesAndDimensionsApart) {
  import(header + "1,A,B,819-555-0101,,fr,Estrie,Santé,1001,,\n");
  auto typo = count("region:estri");
  EXPECT_EQ(typo.members(), 0);
  ASSERT_EQ(typo.unknown_terms_size(), 1);
  EXPECT_EQ(typo.unknown_terms(0), "region:estri");
  auto bad = http_get(daemon_->base_url() + "/v1/members:count?audience=regio%3Aestrie",
                      {"Authorization: Bearer " + admin_});
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("regio"), std::string::npos) << bad.body;
  EXPECT_NE(bad.body.find("\"field\":\"audience\""), std::string::npos) << bad.body;
}

TEST_F(MembersImport, CoordinatorsMayNotImport) {
  auto created = http_request("POST", daemon_->base_url() + "/v1/tokens",
                              R"({"name":"Luc","role":"coordinator","regions":["estrie"]})",
                              {"Authorization: Bearer " + admin_});
  std::smatch match;
  ASSERT_TRUE(std::regex_search(created.body, match, std::regex(R"re("token":"([^"]+)")re")));
  auto response = http_request("POST", daemon_->base_url() + "/v1/members:import", header,
                               {"Authorization: Bearer " + match[1].str()});
  EXPECT_EQ(response.status, 403);
}

TEST_F(MembersImport, CliImportsAndCounts) {
  const std::string path = std::string(TOCSIN_SOURCE_DIR) + "/config/sample-roster.csv";
  const std::vector<std::pair<std::string, std::string>> env = {{"TOCSIN_URL", daemon_->base_url()},
                                                                {"TOCSIN_TOKEN", admin_}};
  auto dry = run_command({TOCSIN_CLI_PATH, "members", "import", path, "--dry-run"}, env);
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_NE(dry.out.find("Dry run"), std::string::npos) << dry.out;
  auto real = run_command({TOCSIN_CLI_PATH, "members", "import", path}, env);
  ASSERT_EQ(real.exit_code, 0) << real.err;
  auto counted = run_command({TOCSIN_CLI_PATH, "members", "count", "all"}, env);
  ASSERT_EQ(counted.exit_code, 0) << counted.err;
  EXPECT_TRUE(std::regex_search(counted.out, std::regex("members\\s+1000"))) << counted.out;
  auto bad = run_command({TOCSIN_CLI_PATH, "members", "count", "regio:x"}, env);
  EXPECT_EQ(bad.exit_code, 2);
  auto missing = run_command({TOCSIN_CLI_PATH, "members", "import", "/nonexistent.csv"}, env);
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("cannot read"), std::string::npos);
}

// The CLI summarises shared phones in two lines (counts, then three masked examples),
// whatever their number, the same on a first import and a re-import; --json lists them all.
TEST_F(MembersImport, CliSummarisesSharedPhonesAndJsonListsEveryOne) {
  const std::string path = std::string(TOCSIN_SOURCE_DIR) + "/config/sample-roster.csv";
  const std::vector<std::pair<std::string, std::string>> env = {{"TOCSIN_URL", daemon_->base_url()},
                                                                {"TOCSIN_TOKEN", admin_}};
  auto first = run_command({TOCSIN_CLI_PATH, "members", "import", path}, env);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  auto again = run_command({TOCSIN_CLI_PATH, "members", "import", path}, env);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  auto json = run_command({TOCSIN_CLI_PATH, "--json", "members", "import", path}, env);
  ASSERT_EQ(json.exit_code, 0) << json.err;
  ImportReport report;
  std::string error;
  ASSERT_TRUE(http::from_json(json.out, &report, &error)) << error;
  ASSERT_GT(report.shared_phones(), kSharedPhoneExamplesShown);
  EXPECT_EQ(report.phones_shared_size(), report.shared_phones());
  int64_t members = 0;
  for (const auto& shared : report.phones_shared()) {
    EXPECT_TRUE(std::regex_match(shared.phone(), std::regex("\\+1[0-9]{3}\\*\\*\\*[0-9]{4}")))
        << shared.phone();
    members += shared.lines_size();
  }
  EXPECT_EQ(report.shared_phone_members(), members);

  const std::string summary = "\nshared phones  " + std::to_string(report.shared_phones()) +
                              " numbers, for " + std::to_string(members) +
                              " members of the file (one message per number per alert)\n";
  for (const auto* out : {&first.out, &again.out}) {
    EXPECT_NE(out->find(summary), std::string::npos) << *out;
    std::smatch examples;
    ASSERT_TRUE(std::regex_search(
        *out, examples,
        std::regex(
            "\nshared phones, e\\.g\\.: (\\+1[0-9]{3}\\*{3}[0-9]{4} \\(lines [0-9, ]+\\)(, )?){3}, "
            "\\.\\.\\. \\(all of them: --json\\)\n")))
        << *out;
    EXPECT_EQ(lines_containing(*out, "***"), 3u) << "three examples, not one line per phone";
    EXPECT_EQ(out->find("another member has the same mobile"), std::string::npos) << *out;
  }
}

TEST_F(MembersImport, FiftyMegabyteRosterStreamsThrough) {
  RosterOptions options;
  options.members = 380000;  // a little over 50 MB of CSV
  const std::string csv = make_roster_csv(options);
  ASSERT_GT(csv.size(), 50000000u);
  ImportReport report = import(csv, "?dry_run=true");
  EXPECT_EQ(report.rows(), 380000);
  EXPECT_EQ(report.imported(), 380000);
  EXPECT_EQ(report.rejected(), 0);
}

}  // namespace
}  // namespace tocsin::testing
