// The union's alert templates (alerts/template_store.h) and the audience picker's values
// (GET /v1/members:labels) against a real redis-server and tocsind: seeded once, so an
// admin's edit survives a restart; a PUT with problems answers each with its field and
// stores nothing; only an admin may PUT; a coordinator's labels are their regions; and
// `tocsin template list|show|set` run as a binary.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "http/json.h"
#include "proto/console.pb.h"
#include "tests/support/daemon_process.h"
#include "tests/support/http_client.h"
#include "tests/support/redis_server.h"
#include "tests/support/redis_sync.h"
#include "tests/support/temp_dir.h"

namespace tocsin::testing {
namespace {

using namespace std::chrono_literals;

template <class Message>
Message parsed(const HttpResponse& response) {
  Message message;
  std::string error;
  EXPECT_TRUE(http::from_json(response.body, &message, &error)) << error << "\n" << response.body;
  return message;
}

class AlertTemplates : public ::testing::Test {
 protected:
  void SetUp() override {
    start_daemon();
    admin_ = daemon_->bootstrap_admin("ops");
  }

  void start_daemon() {
    daemon_.reset();  // the previous one stops (SIGTERM) before the next starts
    daemon_ = std::make_unique<DaemonProcess>(DaemonProcess::Options{.redis_url = redis_.url()});
    ASSERT_TRUE(
        eventually([&] { return http_get(daemon_->base_url() + "/readyz").status == 200; }, 5s));
  }

  HttpResponse call(const std::string& method, const std::string& path, const std::string& token,
                    const std::string& body = "") {
    return http_request(method, daemon_->base_url() + path, body, bearer(token));
  }

  std::string token(const std::string& json) { return daemon_->create_token(admin_, json); }

  CommandResult cli(std::vector<std::string> args) {
    args.insert(args.begin(), TOCSIN_CLI_PATH);
    return run_command(args, {{"TOCSIN_URL", daemon_->base_url()}, {"TOCSIN_TOKEN", admin_}});
  }

  std::string write_file(const std::string& name, const std::string& text) {
    const auto path = dir_.path() / name;
    std::ofstream(path) << text;
    return path.string();
  }

  int64_t template_edits() {
    int64_t edits = 0;
    const auto entries = redis_sync_.command({"XRANGE", "audit", "-", "+"});
    for (const auto& entry : entries.elements) {
      const auto& fields = entry.elements.at(1).elements;
      for (size_t i = 0; i + 1 < fields.size(); i += 2) {
        if (fields[i].str == "action" && fields[i + 1].str == "template.set") ++edits;
      }
    }
    return edits;
  }

  RedisServer redis_;
  RedisSync redis_sync_{redis_.port()};
  TempDir dir_;
  std::unique_ptr<DaemonProcess> daemon_;
  std::string admin_;
};

TEST_F(AlertTemplates, SeededOnceSoAnAdminsEditSurvivesARestart) {
  const auto listed = call("GET", "/v1/templates", admin_);
  ASSERT_EQ(listed.status, 200) << listed.body;
  const auto list = parsed<TemplateListResponse>(listed);
  std::vector<std::string> kinds;
  for (const auto& tmpl : list.templates()) {
    kinds.push_back(tmpl.kind_name());
    EXPECT_TRUE(tmpl.updated_by().empty()) << tmpl.kind_name() << " is not the seed";
    EXPECT_TRUE(tmpl.alert().event_time().empty()) << tmpl.kind_name();
  }
  EXPECT_EQ(kinds, (std::vector<std::string>{"special-law-threat", "emergency-assembly",
                                             "banner-drop", "strike-vote", "information"}));
  EXPECT_EQ(redis_sync_.integer({"HLEN", "templates"}), 5);

  AlertTemplate assembly =
      parsed<AlertTemplate>(call("GET", "/v1/templates/emergency-assembly", admin_));
  assembly.mutable_alert()->set_title("Assemblée d'urgence au parc Jarry");
  const auto put =
      call("PUT", "/v1/templates/emergency-assembly", admin_, http::to_json(assembly.alert()));
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(parsed<AlertTemplate>(put).updated_by(), "ops");
  EXPECT_EQ(template_edits(), 1);
  const auto last = redis_sync_.command({"XREVRANGE", "audit", "+", "-", "COUNT", "1"});
  const auto& fields = last.elements.at(0).elements.at(1).elements;
  std::map<std::string, std::string> entry;
  for (size_t i = 0; i + 1 < fields.size(); i += 2) entry[fields[i].str] = fields[i + 1].str;
  EXPECT_EQ(entry["actor"], "ops");
  EXPECT_EQ(entry["action"], "template.set");
  EXPECT_TRUE(entry["summary"].starts_with("kind=emergency-assembly token=")) << entry["summary"];

  start_daemon();  // a restart seeds again: only the kinds without a template
  const auto after = parsed<AlertTemplate>(call("GET", "/v1/templates/EMERGENCY_ASSEMBLY", admin_));
  EXPECT_EQ(after.alert().title(), "Assemblée d'urgence au parc Jarry");
  EXPECT_EQ(after.updated_by(), "ops");
  EXPECT_EQ(after.kind_name(), "emergency-assembly");
  EXPECT_EQ(parsed<TemplateListResponse>(call("GET", "/v1/templates", admin_)).templates_size(), 5);
}

TEST_F(AlertTemplates, APutWithProblemsNamesEachFieldAndStoresNothing) {
  ASSERT_EQ(call("GET", "/v1/templates", admin_).status, 200);  // seeded
  const std::string before = redis_sync_.text({"HGET", "templates", "banner-drop"});

  const auto put = call("PUT", "/v1/templates/banner-drop", admin_,
                        R"({"kind":"INFORMATION","title":"","channels":"SMS",)"
                        R"("eventTime":"demain 6 h","messages":{"fr":{"sms":"{frist_name}, go"}},)"
                        R"("targets":[{"dimension":"ville","value":"Laval","target":5}]})");
  ASSERT_EQ(put.status, 400) << put.body;
  const auto refusal = parsed<TemplateRefusal>(put);
  std::map<std::string, std::string> problems;
  for (const auto& problem : refusal.problems()) problems[problem.field()] = problem.error();
  EXPECT_EQ(problems["kind"], "is INFORMATION, but this is the banner-drop template");
  EXPECT_EQ(problems["title"], "is required");
  EXPECT_EQ(problems["messages.fr.sms"], "unknown placeholder {frist_name}");
  EXPECT_NE(problems["event_time"].find("RFC 3339"), std::string::npos) << problems["event_time"];
  EXPECT_NE(problems["targets[0].dimension"].find("region"), std::string::npos);
  EXPECT_FALSE(problems.contains("audience")) << "a template's audience may be empty";
  EXPECT_FALSE(problems.contains("expires_at")) << "a template's expiry may be empty";
  EXPECT_EQ(refusal.field(), refusal.problems(0).field());

  EXPECT_EQ(redis_sync_.text({"HGET", "templates", "banner-drop"}), before);
  EXPECT_EQ(template_edits(), 0);

  const auto unknown = call("PUT", "/v1/templates/banner-dorp", admin_, R"({"title":"x"})");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_NE(unknown.body.find("did you mean \\\"banner-drop\\\""), std::string::npos)
      << unknown.body;
  EXPECT_EQ(redis_sync_.integer({"HLEN", "templates"}), 5);
}

TEST_F(AlertTemplates, OnlyAnAdminMayChangeATemplate) {
  const std::string coordinator =
      token(R"({"name":"Luc","role":"coordinator","regions":["estrie"],"force":true})");
  const std::string executive = token(R"({"name":"Marie","role":"executive"})");
  ASSERT_EQ(call("GET", "/v1/templates", admin_).status, 200);
  const std::string before = redis_sync_.text({"HGET", "templates", "information"});
  const std::string body = R"({"title":"Info","channels":"SMS","messages":{"fr":{"sms":"info"}}})";

  EXPECT_EQ(call("PUT", "/v1/templates/information", coordinator, body).status, 403);
  EXPECT_EQ(call("PUT", "/v1/templates/information", executive, body).status, 403);
  EXPECT_EQ(call("GET", "/v1/templates", coordinator).status, 403);
  EXPECT_EQ(call("GET", "/v1/templates/information", executive).status, 200);
  EXPECT_EQ(redis_sync_.text({"HGET", "templates", "information"}), before);
  EXPECT_EQ(template_edits(), 0);
  EXPECT_EQ(call("PUT", "/v1/templates/information", admin_, body).status, 200);
  EXPECT_EQ(template_edits(), 1);
}

TEST_F(AlertTemplates, LabelsGiveEachValueWithItsMembersAndACoordinatorTheirRegions) {
  auto imported =
      cli({"members", "import", std::string(TOCSIN_SOURCE_DIR) + "/config/sample-roster.csv"});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;

  const auto answered = call("GET", "/v1/members:labels", admin_);
  ASSERT_EQ(answered.status, 200) << answered.body;
  const auto labels = parsed<MemberLabelsResponse>(answered);
  EXPECT_EQ(labels.regions_size(), 17);
  EXPECT_EQ(labels.sectors_size(), 6);
  EXPECT_GT(labels.locals_size(), 50);
  int64_t total = 0;
  bool estrie = false;
  for (const auto& region : labels.regions()) {
    total += region.members();
    if (region.value() == "estrie") {
      estrie = true;
      EXPECT_EQ(region.name(), "Estrie");
      EXPECT_EQ(region.members(), 58);  // the sample roster's Estrie rows
    }
  }
  EXPECT_TRUE(estrie);
  EXPECT_EQ(total, 1000);
  for (const auto& sector : labels.sectors()) {
    if (sector.value() == "sante") {
      EXPECT_EQ(sector.members(), 180);
    }
  }

  const std::string coordinator =
      token(R"({"name":"Luc","role":"coordinator","regions":["Estrie","montreal"]})");
  const auto scoped = parsed<MemberLabelsResponse>(call("GET", "/v1/members:labels", coordinator));
  ASSERT_EQ(scoped.regions_size(), 2);
  EXPECT_EQ(scoped.regions(0).value(), "estrie");
  EXPECT_EQ(scoped.regions(1).name(), "Montréal");
  EXPECT_EQ(scoped.sectors_size(), 6);  // aggregates, seen everywhere
}

TEST_F(AlertTemplates, TheCliListsShowsAndSetsTemplates) {
  auto listed = cli({"template", "list"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_NE(listed.out.find("emergency-assembly"), std::string::npos) << listed.out;
  EXPECT_NE(listed.out.find("as built"), std::string::npos) << listed.out;

  auto shown = cli({"template", "show", "strike-vote"});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_NE(shown.out.find("kind: STRIKE_VOTE"), std::string::npos) << shown.out;
  EXPECT_NE(shown.out.find("Vote de grève"), std::string::npos) << "accents kept: " << shown.out;

  // What show prints is a file set takes back.
  std::string edited = shown.out;
  const std::string from = "Vote de grève en assemblée générale";
  ASSERT_NE(edited.find(from), std::string::npos);
  edited.replace(edited.find(from), from.size(), "Vote de grève : assemblée générale spéciale");
  auto set = cli({"template", "set", "strike-vote", write_file("strike-vote.textpb", edited)});
  ASSERT_EQ(set.exit_code, 0) << set.err;
  EXPECT_NE(set.out.find("saved the strike-vote template"), std::string::npos) << set.out;
  EXPECT_NE(cli({"template", "list"}).out.find("by ops"), std::string::npos);

  const std::string bad = write_file("bad.textpb",
                                     "title: \"\"\nchannels: SMS\n"
                                     "messages { key: \"fr\" value { sms: \"{prenom}\" } }\n");
  auto refused = cli({"template", "set", "information", bad});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find(bad + ": title: is required"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find(bad + ": messages.fr.sms: unknown placeholder {prenom}"),
            std::string::npos)
      << refused.err;
  EXPECT_NE(refused.err.find("nothing was saved"), std::string::npos) << refused.err;

  const std::string typo = write_file("typo.textpb", "titel: \"x\"\n");
  auto unparsed = cli({"template", "set", "information", typo});
  EXPECT_EQ(unparsed.exit_code, 2);
  EXPECT_NE(unparsed.err.find(typo + ":1:1"), std::string::npos) << unparsed.err;

  auto unknown = cli({"template", "show", "greve"});
  EXPECT_EQ(unknown.exit_code, 2) << unknown.err;
  EXPECT_NE(unknown.err.find("unknown kind \"greve\""), std::string::npos) << unknown.err;
}

}  // namespace
}  // namespace tocsin::testing
