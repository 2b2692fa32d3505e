// The guards against a typo that sends to nobody, through a real tocsind and redis-server
// and the real `tocsin` binary: an alert whose audience holds no member is refused, naming
// the terms no member has (and changes nothing); the preview warns of an unknown term in an
// audience that still reaches others, and of a target larger than its audience; a
// coordinator token for a region no member has is refused unless forced.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "auth/auth_keys.h"
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

// Six members in two regions, three sectors.
const std::string kRoster =
    "Numéro de membre,Prénom,Nom,Cellulaire,Courriel,Langue,Région,Secteur,Syndicat local,"
    "Titre d'emploi,Étiquettes\n"
    "1,Marie,A,819-555-0101,m1@exemple.qc.ca,fr,Estrie,Santé,1001,,\n"
    "2,Alex,B,819-555-0102,m2@exemple.qc.ca,en,Estrie,Santé,1001,,\n"
    "3,Luc,C,819-555-0103,m3@exemple.qc.ca,fr,Estrie,Éducation,1001,,\n"
    "4,Sam,D,819-555-0104,m4@exemple.qc.ca,en,Montérégie,Éducation,1002,,\n"
    "5,Kim,E,819-555-0105,m5@exemple.qc.ca,fr,Montérégie,Transport,1002,,\n"
    "6,Léa,F,819-555-0106,m6@exemple.qc.ca,fr,Montérégie,Transport,1002,,\n";

Alert make_alert(const std::string& audience) {
  Alert alert;
  alert.set_kind(EMERGENCY_ASSEMBLY);
  alert.set_title("Assemblée");
  alert.set_event_time("2030-06-06T19:00:00-04:00");
  alert.set_expires_at("2030-06-06T18:00:00-04:00");
  alert.set_place("Sherbrooke");
  alert.set_audience(audience);
  alert.set_channels(SMS);
  alert.set_rsvp_yes_no_maybe(true);
  (*alert.mutable_messages())["fr"].set_sms("Assemblée {event_time}. OUI {code}");
  return alert;
}

std::string error_of(const HttpResponse& response) {
  ErrorResponse error;
  std::string parse_error;
  EXPECT_TRUE(http::from_json(response.body, &error, &parse_error)) << response.body;
  return error.error();
}

class AudienceGuards : public ::testing::Test {
 protected:
  void SetUp() override {
    daemon_ = std::make_unique<DaemonProcess>(DaemonProcess::Options{.redis_url = redis_.url()});
    ASSERT_TRUE(eventually([&] { return http_get(url("/readyz")).status == 200; }, 5s));
    admin_ = daemon_->bootstrap_admin("ops");
    marie_ = daemon_->create_token(admin_, R"({"name":"Marie","role":"executive"})");
  }

  std::string url(const std::string& path) const { return daemon_->base_url() + path; }
  void import_roster() {
    auto response = http_request("POST", url("/v1/members:import"), kRoster,
                                 {"Authorization: Bearer " + admin_, "Content-Type: text/csv"});
    ASSERT_EQ(response.status, 200) << response.body;
  }
  HttpResponse create(const Alert& alert) {
    return http_request("POST", url("/v1/alerts"), http::to_json(alert), bearer(marie_));
  }
  // Every key but the members' own, the tokens' and the daemon's heartbeat-like state: what
  // a refused request must not add to.
  std::string alert_keys() {
    RedisSync peek(redis_.port());
    return peek.text({"KEYS", "alert*"}) + peek.text({"KEYS", "tmp:*"}) +
           std::to_string(peek.integer({"XLEN", "audit"}));
  }
  CommandResult cli(std::vector<std::string> args, const std::string& token) {
    args.insert(args.begin(), TOCSIN_CLI_PATH);
    return run_command(args, {{"TOCSIN_URL", daemon_->base_url()}, {"TOCSIN_TOKEN", token}});
  }

  RedisServer redis_;
  std::unique_ptr<DaemonProcess> daemon_;
  std::string admin_, marie_;
};

TEST_F(AudienceGuards, AnAudienceOfNobodyIsRefusedNamingTheUnknownTermAndChangesNothing) {
  import_roster();
  const std::string before = alert_keys();
  auto response = create(make_alert("region:estri"));
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(error_of(response),
            "the audience \"region:estri\" holds no member: no member has region \"estri\" "
            "(did you mean \"Estrie\"?)");
  EXPECT_NE(response.body.find("\"field\":\"audience\""), std::string::npos) << response.body;

  // Two unknown terms, each named; a tag has no list of values to suggest from.
  response = create(make_alert("sector:sant AND tag:mob-unit"));
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(error_of(response),
            "the audience \"sector:sant AND tag:mob-unit\" holds no member: no member has "
            "sector \"sant\" (did you mean \"Santé\"?); no member has tag \"mob-unit\"");
  EXPECT_EQ(alert_keys(), before) << "no alert, no code taken, no audit entry";
}

TEST_F(AudienceGuards, AnAudienceBeforeAnyRosterIsRefusedSayingSo) {
  auto response = create(make_alert("all"));
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(error_of(response),
            "the audience \"all\" holds no member: no member has been imported yet "
            "(tocsin members import FILE)");
}

TEST_F(AudienceGuards, AnAudienceWhoseTermsNeverMeetIsRefused) {
  import_roster();
  auto response = create(make_alert("region:estrie AND sector:transport"));
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(error_of(response),
            "the audience \"region:estrie AND sector:transport\" holds no member: each of its "
            "terms matches members, but no member matches them all together");
}

TEST_F(AudienceGuards, PreviewWarnsOfAnUnknownTermAndOfATargetLargerThanItsAudience) {
  import_roster();
  Alert alert = make_alert("region:estrie OR region:monteregi");
  auto add_target = [&](const std::string& dimension, const std::string& value, int wanted) {
    TurnoutTarget* target = alert.add_targets();
    target->set_dimension(dimension);
    target->set_value(value);
    target->set_target(wanted);
  };
  add_target("region", "Estrie", 3);      // all three Estrie members: reachable, no warning
  add_target("sector", "Santé", 5);       // two of the audience are in Santé
  add_target("region", "Montérégie", 1);  // the misspelt term left Montérégie out
  auto response = create(alert);
  ASSERT_EQ(response.status, 201) << response.body;
  AlertResponse created;
  std::string error;
  ASSERT_TRUE(http::from_json(response.body, &created, &error)) << error;
  EXPECT_EQ(created.audience_members(), 3);
  ASSERT_EQ(created.preview().warnings_size(), 3) << response.body;
  EXPECT_EQ(created.preview().warnings(0),
            "no member has region \"monteregi\" (did you mean \"Montérégie\"?): that part of "
            "the audience reaches nobody");
  EXPECT_EQ(created.preview().warnings(1),
            "targets[1]: 5 yes wanted from sector \"Santé\", but the audience has 2 members "
            "there");
  EXPECT_EQ(created.preview().warnings(2),
            "targets[2]: 1 yes wanted from region \"Montérégie\", but no member of the audience "
            "has that region");

  // What the officer reads in the terminal: the warnings under the audience line.
  TempDir dir;
  const auto file = dir.path() / "assemblee.txtpb";
  std::ofstream(file) << alert.DebugString();
  const CommandResult cli_create = cli({"alert", "create", file.string()}, marie_);
  ASSERT_EQ(cli_create.exit_code, 0) << cli_create.err;
  EXPECT_NE(cli_create.out.find("members (region:estrie OR region:monteregi)\n"
                                "warning: no member has region \"monteregi\" (did you mean "
                                "\"Montérégie\"?): that part of the audience reaches nobody\n"),
            std::string::npos)
      << cli_create.out;
}

TEST_F(AudienceGuards, ATokenForARegionNoMemberHasIsRefusedUnlessForced) {
  // Before any roster, regions cannot be checked: the first tokens often come first.
  const CommandResult early = cli({"token", "create", "--role", "coordinator", "--region",
                                   "Gaspésie", "--name", "Avant l'import"},
                                  admin_);
  EXPECT_EQ(early.exit_code, 0) << early.err;

  import_roster();
  const std::string tokens_before = RedisSync(redis_.port()).text({"SMEMBERS", std::string(auth::keys::kTokens)});
  const CommandResult typo = cli(
      {"token", "create", "--role", "coordinator", "--region", "estri", "--name", "Luc"}, admin_);
  EXPECT_EQ(typo.exit_code, 2);
  EXPECT_EQ(typo.err,
            "tocsin: regions: no member has region \"estri\" (did you mean \"Estrie\"?); to "
            "create the token before a roster names that region, use --force (\"force\": "
            "true)\n");
  EXPECT_EQ(RedisSync(redis_.port()).text({"SMEMBERS", std::string(auth::keys::kTokens)}), tokens_before);

  // Spelt as the roster spells it, or folded, the region is known.
  const CommandResult known = cli({"token", "create", "--role", "coordinator", "--region",
                                   "Montérégie", "--region", "estrie", "--name", "Luc"},
                                  admin_);
  EXPECT_EQ(known.exit_code, 0) << known.err;
  const CommandResult forced = cli({"token", "create", "--role", "coordinator", "--region",
                                    "Gaspésie", "--name", "Zoé", "--force"},
                                   admin_);
  EXPECT_EQ(forced.exit_code, 0) << forced.err;
}

}  // namespace
}  // namespace tocsin::testing
