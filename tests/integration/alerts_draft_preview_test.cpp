// POST /v1/alerts:draft-preview through a real tocsind and redis-server: what the console
// shows while an officer composes: the audience's counts, each language's SMS with its
// encoding and segments, every problem creating it would meet (an audience of nobody
// included), the preview's warnings; officers only; and nothing stored.

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "http/json.h"
#include "proto/console.pb.h"
#include "proto/tocsin.pb.h"
#include "tests/support/daemon_process.h"
#include "tests/support/http_client.h"
#include "tests/support/redis_server.h"
#include "tests/support/redis_sync.h"
#include "tests/support/synthetic_roster.h"

namespace tocsin::testing {
namespace {

using namespace std::chrono_literals;

// Five members, four in Estrie: three of them with a mobile, three with an email.
const std::string kRoster =
    "Numéro de membre,Prénom,Nom,Cellulaire,Courriel,Langue,Région,Secteur,Syndicat local,"
    "Titre d'emploi,Étiquettes\n"
    "1,Marie,A,819-555-0101,m1@exemple.qc.ca,fr,Estrie,Santé,1001,,\n"
    "2,Alex,B,819-555-0102,m2@exemple.qc.ca,en,Estrie,Santé,1001,,\n"
    "3,Luc,C,819-555-0103,,fr,Estrie,Éducation,1001,,\n"
    "4,Sam,D,,m4@exemple.qc.ca,en,Estrie,Éducation,1002,,\n"
    "5,Kim,E,,m5@exemple.qc.ca,fr,Montérégie,Transport,1002,,\n";

Alert draft(const std::string& audience, const std::string& french_sms) {
  Alert alert;
  alert.set_kind(EMERGENCY_ASSEMBLY);
  alert.set_title("Assemblée d'urgence");
  alert.set_event_time("2030-06-06T19:00:00-04:00");
  alert.set_expires_at("2030-06-06T18:00:00-04:00");
  alert.set_place("Sherbrooke");
  alert.set_audience(audience);
  alert.set_channels(SMS);
  alert.set_rsvp_yes_no_maybe(true);
  (*alert.mutable_messages())["fr"].set_sms(french_sms);
  return alert;
}

class DraftPreview : public ::testing::Test {
 protected:
  void SetUp() override {
    daemon_ = std::make_unique<DaemonProcess>(DaemonProcess::Options{
        .redis_url = redis_.url(),
        .extra_config = "alerts { approval_threshold: 3 }\n"
                        "gateways { name: \"sms\" rate_per_second: 10 "
                        "file { channel: \"sms\" path: \"/dev/null\" } }\n"});
    ASSERT_TRUE(eventually([&] { return http_get(url("/readyz")).status == 200; }, 5s));
    admin_ = daemon_->bootstrap_admin("ops");
    marie_ = daemon_->create_token(admin_, R"({"name":"Marie","role":"executive"})");
    auto imported = http_request("POST", url("/v1/members:import"), kRoster,
                                 {"Authorization: Bearer " + admin_, "Content-Type: text/csv"});
    ASSERT_EQ(imported.status, 200) << imported.body;
  }

  std::string url(const std::string& path) const { return daemon_->base_url() + path; }
  HttpResponse post_draft(const Alert& alert, const std::string& token) {
    return http_request("POST", url("/v1/alerts:draft-preview"), http::to_json(alert),
                        bearer(token));
  }
  DraftPreviewResponse preview(const Alert& alert) {
    const HttpResponse response = post_draft(alert, marie_);
    EXPECT_EQ(response.status, 200) << response.body;
    DraftPreviewResponse parsed;
    std::string error;
    EXPECT_TRUE(http::from_json(response.body, &parsed, &error)) << error << response.body;
    return parsed;
  }
  static std::vector<std::pair<std::string, std::string>> problems(
      const DraftPreviewResponse& response) {
    std::vector<std::pair<std::string, std::string>> found;
    for (const auto& problem : response.problems()) {
      found.emplace_back(problem.field(), problem.error());
    }
    return found;
  }

  RedisServer redis_;
  std::unique_ptr<DaemonProcess> daemon_;
  std::string admin_, marie_;
};

TEST_F(DraftPreview, CountsTheAudienceAndShowsTheEncodingTheTextForces) {
  DraftPreviewResponse answer = preview(draft("region:estrie", "Assemblée ce soir. OUI {code}"));
  EXPECT_TRUE(answer.problems().empty()) << answer.DebugString();
  EXPECT_EQ(answer.audience_members(), 4);
  EXPECT_EQ(answer.sms_reachable(), 3);
  EXPECT_EQ(answer.email_reachable(), 3);
  EXPECT_TRUE(answer.needs_second_approval());
  EXPECT_EQ(answer.approval_threshold(), 3);
  ASSERT_EQ(answer.preview().sms_size(), 1);
  EXPECT_EQ(answer.preview().sms(0).encoding(), "gsm7") << "é is in the GSM-7 alphabet";
  EXPECT_EQ(answer.preview().sms_recipients(), 3);

  // ê is not: the text turns UCS-2 and the preview names it; folding accents brings it back.
  Alert circumflex = draft("region:estrie", "Fête syndicale: assemblée ce soir. OUI {code}");
  answer = preview(circumflex);
  ASSERT_EQ(answer.preview().sms_size(), 1);
  EXPECT_EQ(answer.preview().sms(0).encoding(), "ucs2");
  EXPECT_EQ(std::vector<std::string>(answer.preview().sms(0).non_gsm_characters().begin(),
                                     answer.preview().sms(0).non_gsm_characters().end()),
            std::vector<std::string>{"ê"});
  circumflex.set_fold_accents(true);
  answer = preview(circumflex);
  EXPECT_EQ(answer.preview().sms(0).encoding(), "gsm7");
}

TEST_F(DraftPreview, NamesEveryProblemAtOnceWithoutRefusing) {
  Alert incomplete = draft("region:estri", "{frist_name}, assemblée");
  incomplete.clear_title();
  const DraftPreviewResponse answer = preview(incomplete);
  const auto found = problems(answer);
  ASSERT_EQ(found.size(), 3u) << answer.DebugString();
  EXPECT_EQ(found[0].first, "title");
  EXPECT_EQ(found[1], (std::pair<std::string, std::string>{"messages.fr.sms",
                                                           "unknown placeholder {frist_name}"}));
  EXPECT_EQ(found[2], (std::pair<std::string, std::string>{
                          "audience",
                          "the audience \"region:estri\" holds no member: no member has region "
                          "\"estri\" (did you mean \"Estrie\"?)"}));
  EXPECT_EQ(answer.audience_members(), 0);

  const DraftPreviewResponse unreadable = preview(draft("region:estrie AND", "Assemblée"));
  ASSERT_EQ(problems(unreadable).size(), 1u);
  EXPECT_EQ(problems(unreadable)[0].first, "audience");
}

TEST_F(DraftPreview, WarnsOfAnUnknownTermThatLeavesOthersAndOfAnUnreachableTargetEachWithItsField) {
  Alert alert = draft("region:estrie OR region:monteregi", "Assemblée ce soir");
  TurnoutTarget* target = alert.add_targets();
  target->set_dimension("sector");
  target->set_value("Santé");
  target->set_target(3);
  const DraftPreviewResponse answer = preview(alert);
  EXPECT_TRUE(answer.problems().empty());
  ASSERT_EQ(answer.preview().warnings_size(), 2) << answer.DebugString();
  EXPECT_EQ(answer.preview().warnings(0),
            "no member has region \"monteregi\" (did you mean \"Montérégie\"?): that part of "
            "the audience reaches nobody");
  EXPECT_EQ(answer.preview().warnings(1),
            "targets[0]: 3 yes wanted from sector \"Santé\", but the audience has 2 members "
            "there");
  // The same, each with its field, for the console's form to show beside it.
  ASSERT_EQ(answer.cautions_size(), 2);
  EXPECT_EQ(answer.cautions(0).field(), "audience");
  EXPECT_EQ(answer.cautions(0).error(), answer.preview().warnings(0));
  EXPECT_EQ(answer.cautions(1).field(), "targets[0].target");
  EXPECT_EQ(answer.cautions(1).error(),
            "3 yes wanted from sector \"Santé\", but the audience has 2 members there");
}

TEST_F(DraftPreview, OnlyOfficersMayAskAndNothingIsStored) {
  const std::string coordinator =
      daemon_->create_token(admin_, R"({"name":"Luc","role":"coordinator","regions":["estrie"]})");
  RedisSync peek(redis_.port());
  const int64_t audit_before = peek.integer({"XLEN", "audit"});
  EXPECT_EQ(post_draft(draft("all", "Assemblée"), coordinator).status, 403);
  EXPECT_EQ(preview(draft("all", "Assemblée")).audience_members(), 5);
  EXPECT_EQ(
      http_request("POST", url("/v1/alerts:draft-preview"), "{not json", bearer(marie_)).status,
      400);
  EXPECT_EQ(peek.text({"KEYS", "alert*"}), "");
  EXPECT_EQ(peek.text({"KEYS", "tmp:*"}), "");
  EXPECT_EQ(peek.integer({"XLEN", "audit"}), audit_before);
}

// The SSCAN calls Redis has served: the breakdown reads an audience page by page with it,
// so the calls a measure makes are its pages.
int64_t sscan_calls(RedisSync& redis) {
  const std::string stats = redis.text({"INFO", "commandstats"});
  const size_t at = stats.find("cmdstat_sscan:calls=");
  return at == std::string::npos ? 0 : std::stoll(stats.substr(at + 20));
}

TEST_F(DraftPreview, RequestsArrivingWhileAnAudienceIsCountedShareThatOneCount) {
  RosterOptions roster;
  roster.members = 20000;
  auto imported = http_request("POST", url("/v1/members:import"), make_roster_csv(roster),
                               {"Authorization: Bearer " + admin_, "Content-Type: text/csv"});
  ASSERT_EQ(imported.status, 200) << imported.body;
  RedisSync peek(redis_.port());

  // One request for a new audience: the pages one measure reads.
  const int64_t before_one = sscan_calls(peek);
  EXPECT_EQ(post_draft(draft("all AND NOT tag:one", "Assemblée"), marie_).status, 200);
  const int64_t one = sscan_calls(peek) - before_one;
  ASSERT_GT(one, 2);

  // Six keystrokes at once on another new audience of the same members: one measure.
  const int64_t before_six = sscan_calls(peek);
  std::vector<std::thread> typing;
  std::vector<long> statuses(6);
  for (int i = 0; i < 6; ++i) {
    typing.emplace_back([&, i] {
      statuses[i] =
          post_draft(draft("all AND NOT tag:six", "Assemblée " + std::to_string(i)), marie_).status;
    });
  }
  for (std::thread& request : typing) request.join();
  for (long status : statuses) EXPECT_EQ(status, 200);
  EXPECT_LT(sscan_calls(peek) - before_six, 2 * one)
      << "the keystrokes counted the audience " << (sscan_calls(peek) - before_six) / one
      << " times";
}

}  // namespace
}  // namespace tocsin::testing
