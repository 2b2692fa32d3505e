// What happens to an alert after its creation, against a real tocsind (with --test-clock,
// to age an approval link), a real redis-server, SMS through a file gateway (read back
// from its file) and email through a real SMTP server (aiosmtpd): asking every other
// executive to approve, declining with a reason, the test message to oneself, the alert's
// audit trail, and the approval link refused to its creator, to a coordinator, after its
// expiry and with a forged signature — each refusal changing nothing in Redis.

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "tests/support/alert_scenario.h"
#include "tests/support/daemon_process.h"
#include "tests/support/http_client.h"
#include "tests/support/mime_decode.h"
#include "tests/support/redis_server.h"
#include "tests/support/redis_sync.h"
#include "tests/support/sign_in.h"
#include "tests/support/smtp_sink.h"
#include "tests/support/synthetic_roster.h"
#include "tests/support/temp_dir.h"

namespace tocsin::testing {
namespace {

using namespace std::chrono_literals;

constexpr char kAnneMobile[] = "+15145550111";  // executive, creates the alerts
constexpr char kAnneEmail[] = "anne@example.org";
constexpr char kBrunoMobile[] = "+15145550122";  // executive, approves
constexpr char kBrunoEmail[] = "bruno@example.org";
constexpr char kChloeEmail[] = "chloe@example.org";  // executive, email only
constexpr char kDenisMobile[] = "+15145550144";      // coordinator
constexpr char kFannyMobile[] = "+15145550155";      // admin: not asked
constexpr char kGillesMobile[] = "+15145550166";     // executive, disabled: not asked

class AlertsApproval : public ::testing::Test {
 protected:
  void SetUp() override {
    sms_file_ = dir_.path() / "sms.jsonl";
    daemon_ = std::make_unique<DaemonProcess>(DaemonProcess::Options{
        .redis_url = redis_.url(),
        .extra_config = "gateways { name: \"sms\" rate_per_second: 200 file { channel: \"sms\" "
                        "path: \"" +
                        sms_file_.string() +
                        "\" } }\n"
                        "gateways { name: \"mail\" rate_per_second: 200 smtp { url: \"" +
                        smtp_.url() +
                        "\" from: \"Tocsin <tocsin@example.org>\" } }\n"
                        "alerts { approval_threshold: 10 }\n",
        .test_clock = true});
    ASSERT_TRUE(eventually([&] { return http_get(url("/readyz")).status == 200; }, 5s));
    admin_ = daemon_->bootstrap_admin("ops");
    RosterOptions roster;
    roster.members = 40;
    auto imported = http_request("POST", url("/v1/members:import"), make_roster_csv(roster),
                                 {"Authorization: Bearer " + admin_, "Content-Type: text/csv"});
    ASSERT_EQ(imported.status, 200) << imported.body;
  }

  std::string url(const std::string& path) const { return daemon_->base_url() + path; }

  // The raw lines the SMS gateway wrote to `mobile`.
  std::vector<std::string> sms_to(const std::string& mobile) const {
    std::vector<std::string> lines;
    std::ifstream in(sms_file_);
    for (std::string line; std::getline(in, line);) {
      if (line.find("\"to\":\"" + mobile + "\"") != std::string::npos) lines.push_back(line);
    }
    return lines;
  }
  // The decoded emails the SMTP server received for `address`.
  std::vector<std::string> emails_to(const std::string& address) const {
    std::vector<std::string> texts;
    for (const auto& file : smtp_.message_files()) {
      std::ifstream in(file);
      std::stringstream text;
      text << in.rdbuf();
      const std::string decoded = decode_quoted_printable(text.str());
      if (decoded.find("To: " + address) != std::string::npos ||
          decoded.find("<" + address + ">") != std::string::npos) {
        texts.push_back(decoded);
      }
    }
    return texts;
  }

  std::string session(const std::string& json, const std::string& mobile) {
    return session_by_code(*daemon_, admin_, json, mobile,
                           [this, mobile] { return sms_to(mobile); });
  }
  void create_account(const std::string& json) {
    auto created = http_request("POST", url("/v1/accounts"), json, bearer(admin_));
    ASSERT_EQ(created.status, 201) << created.body;
  }

  // Anne and Bruno (executives, signed in), Chloé (executive, email only), Denis
  // (coordinator, signed in), Fanny (admin) and Gilles (executive, disabled).
  void create_people() {
    anne_ = session(R"({"name":"Anne Roy","role":"executive","mobile":")" +
                        std::string(kAnneMobile) + R"(","email":")" + kAnneEmail + "\"}",
                    kAnneMobile);
    bruno_ = session(R"({"name":"Bruno Côté","role":"executive","mobile":")" +
                         std::string(kBrunoMobile) + R"(","email":")" + kBrunoEmail + "\"}",
                     kBrunoMobile);
    denis_ = session(
        R"({"name":"Denis Lac","role":"coordinator","regions":["estrie"],"force":true,"mobile":")" +
            std::string(kDenisMobile) + "\"}",
        kDenisMobile);
    create_account(R"({"name":"Chloé Lin","role":"executive","email":")" +
                   std::string(kChloeEmail) + "\"}");
    create_account(R"({"name":"Fanny Ops","role":"admin","mobile":")" + std::string(kFannyMobile) +
                   "\"}");
    auto gilles = http_request("POST", url("/v1/accounts"),
                               R"({"name":"Gilles Noir","role":"executive","mobile":")" +
                                   std::string(kGillesMobile) + "\"}",
                               bearer(admin_));
    ASSERT_EQ(gilles.status, 201);
    std::smatch match;
    ASSERT_TRUE(std::regex_search(gilles.body, match, std::regex(R"re("id":"([0-9a-f]{16})")re")));
    ASSERT_EQ(http_request("POST", url("/v1/accounts/" + std::string(match[1]) + ":disable"), "{}",
                           bearer(admin_))
                  .status,
              200);
  }

  // As the console's script sends them, with a session cookie.
  std::vector<std::string> as(const std::string& session) const {
    return {"Content-Type: application/json", "Origin: " + daemon_->base_url(),
            "Sec-Fetch-Site: same-origin", "Cookie: tocsin_session=" + session};
  }
  HttpResponse post(const std::string& session, const std::string& path,
                    const std::string& body = "{}") {
    return http_request("POST", url(path), body, as(session));
  }
  HttpResponse get(const std::string& session, const std::string& path) {
    return http_request("GET", url(path), "", as(session));
  }

  // A draft to all 40 members (over the threshold of 10), created by Anne.
  std::string anne_drafts() {
    auto created = post(anne_, "/v1/alerts",
                        alert_json("BOTH",
                                   R"({"sms":"Assemblée {code}","emailSubject":"Assemblée",)"
                                   R"("emailBody":"Bonjour {first_name}"})",
                                   R"({"sms":"Assembly {code}","emailSubject":"Assembly",)"
                                   R"("emailBody":"Hello {first_name}"})"));
    EXPECT_EQ(created.status, 201) << created.body;
    std::smatch match;
    std::regex_search(created.body, match, std::regex(R"re("id":"([a-z0-9]{16})")re"));
    return match[1];
  }

  struct Link {
    std::string id, exp, sig;
    std::string query() const { return "?exp=" + exp + "&sig=" + sig; }
  };
  // The approval link in the newest SMS to `mobile`.
  Link link_in_sms(const std::string& mobile) {
    const auto lines = sms_to(mobile);
    std::smatch match;
    for (auto it = lines.rbegin(); it != lines.rend(); ++it) {
      if (std::regex_search(
              *it, match,
              std::regex(R"(#approve=([a-z0-9]{16})&exp=([0-9]+)&sig=([A-Za-z0-9_-]{22}))"))) {
        return {match[1], match[2], match[3]};
      }
    }
    ADD_FAILURE() << "no approval link in the SMS to " << mobile;
    return {};
  }

  // Every key of the alert (DUMP) and the length of the audit stream.
  std::map<std::string, std::string> alert_state(const std::string& id) {
    RedisSync redis(redis_.port());
    std::map<std::string, std::string> keys;
    // Each key's content, not its DUMP: a hash's field order inside Redis's encoding is not
    // data, and can differ for the same fields and values.
    for (const auto& key : redis.command({"KEYS", "alert:{" + id + "}*"}).elements) {
      const std::string type = redis.text({"TYPE", key.str});
      if (type == "hash") {
        auto fields = redis.command({"HGETALL", key.str}).elements;
        std::map<std::string, std::string> sorted;
        for (size_t i = 0; i + 1 < fields.size(); i += 2) sorted[fields[i].str] = fields[i + 1].str;
        for (const auto& [field, value] : sorted) keys[key.str] += field + "=" + value + "\n";
      } else {
        keys[key.str] = redis.command({"DUMP", key.str}).str;
      }
      keys[key.str + " ttl"] = redis.integer({"PTTL", key.str}) > 0 ? "expiring" : "none";
    }
    keys["audit length"] = std::to_string(redis.integer({"XLEN", "audit"}));
    return keys;
  }

  std::vector<std::string> trail_actions(const std::string& id) {
    RedisSync redis(redis_.port());
    std::vector<std::string> actions;
    for (const auto& entry :
         redis.command({"XRANGE", "alert:{" + id + "}:audit", "-", "+"}).elements) {
      const auto& pairs = entry.elements[1].elements;
      for (size_t i = 0; i + 1 < pairs.size(); i += 2) {
        if (pairs[i].str == "action") actions.push_back(pairs[i + 1].str);
      }
    }
    return actions;
  }

  TempDir dir_;
  std::filesystem::path sms_file_;
  RedisServer redis_;
  SmtpSink smtp_;
  std::unique_ptr<DaemonProcess> daemon_;
  std::string admin_, anne_, bruno_, denis_;
};

TEST_F(AlertsApproval, RequestNotifiesEveryOtherExecutiveBySmsAndEmailAndNoOneElse) {
  create_people();
  const std::string id = anne_drafts();
  const size_t anne_sms_before = sms_to(kAnneMobile).size();
  auto asked = post(anne_, "/v1/alerts/" + id + ":request-approval");
  ASSERT_EQ(asked.status, 200) << asked.body;
  // Bruno by SMS and email, Chloé by email; not Anne, the admin, the coordinator, Gilles.
  EXPECT_NE(asked.body.find(R"("notifiedSms":"1")"), std::string::npos) << asked.body;
  EXPECT_NE(asked.body.find(R"("notifiedEmail":"2")"), std::string::npos) << asked.body;
  EXPECT_NE(asked.body.find("Bruno Côté"), std::string::npos);
  EXPECT_NE(asked.body.find("Chloé Lin"), std::string::npos);
  EXPECT_EQ(asked.body.find("Anne Roy"), std::string::npos);
  EXPECT_EQ(asked.body.find("Gilles"), std::string::npos);
  EXPECT_EQ(asked.body.find("Fanny"), std::string::npos);

  ASSERT_TRUE(eventually([&] { return emails_to(kChloeEmail).size() == 1; }, 10s));
  ASSERT_TRUE(eventually([&] { return emails_to(kBrunoEmail).size() == 1; }, 10s));
  ASSERT_TRUE(eventually([&] { return sms_to(kBrunoMobile).size() == 2; },
                         10s));  // the sign-in code, the request
  const Link link = link_in_sms(kBrunoMobile);
  EXPECT_EQ(link.id, id);
  EXPECT_NE(sms_to(kBrunoMobile).back().find(daemon_->base_url() + "/#approve="),
            std::string::npos);
  EXPECT_NE(emails_to(kChloeEmail)[0].find("#approve=" + id + "&exp="), std::string::npos);
  EXPECT_NE(emails_to(kChloeEmail)[0].find("Approval requested"), std::string::npos);
  // Nothing else went out: to the creator, the coordinator, the admin, the disabled one.
  std::this_thread::sleep_for(300ms);  // let a wrongly sent message reach its file first
  EXPECT_EQ(sms_to(kAnneMobile).size(), anne_sms_before);
  EXPECT_EQ(sms_to(kDenisMobile).size(), 1u);  // their sign-in code only
  EXPECT_TRUE(sms_to(kFannyMobile).empty());
  EXPECT_TRUE(sms_to(kGillesMobile).empty());
  EXPECT_TRUE(emails_to(kAnneEmail).empty());

  // Asked again at once: refused, with the time to wait.
  auto again = post(anne_, "/v1/alerts/" + id + ":request-approval");
  EXPECT_EQ(again.status, 429) << again.body;
  EXPECT_NE(again.body.find("less than a minute ago"), std::string::npos) << again.body;

  auto status = get(anne_, "/v1/alerts/" + id + "/approval");
  ASSERT_EQ(status.status, 200) << status.body;
  EXPECT_NE(status.body.find(R"("requestedBy":"Anne Roy")"), std::string::npos) << status.body;
  EXPECT_NE(status.body.find(R"("youCreated":true)"), std::string::npos) << status.body;
  EXPECT_EQ(trail_actions(id),
            (std::vector<std::string>{"alert.create", "alert.approval_requested"}));
}

TEST_F(AlertsApproval, RequestWithNoOtherExecutiveIsRefusedWithTheCommandThatFixesIt) {
  anne_ = session(
      R"({"name":"Anne Roy","role":"executive","mobile":")" + std::string(kAnneMobile) + "\"}",
      kAnneMobile);
  const std::string id = anne_drafts();
  const auto before = alert_state(id);
  auto asked = post(anne_, "/v1/alerts/" + id + ":request-approval");
  EXPECT_EQ(asked.status, 409) << asked.body;
  EXPECT_NE(asked.body.find("no other executive account can approve: create one with tocsin "
                            "account create"),
            std::string::npos)
      << asked.body;
  EXPECT_EQ(alert_state(id), before);
}

TEST_F(AlertsApproval, DeclineIsRecordedAuditedAndTheTrailKeepsTheOrder) {
  create_people();
  const std::string id = anne_drafts();
  ASSERT_EQ(post(anne_, "/v1/alerts/" + id + ":request-approval").status, 200);

  EXPECT_EQ(post(bruno_, "/v1/alerts/" + id + ":decline", R"({"reason":"   "})").status, 400);
  EXPECT_EQ(post(bruno_, "/v1/alerts/" + id + ":decline",
                 R"({"reason":")" + std::string(501, 'x') + "\"}")
                .status,
            400);
  auto own = post(anne_, "/v1/alerts/" + id + ":decline", R"({"reason":"changed my mind"})");
  EXPECT_EQ(own.status, 403) << own.body;
  EXPECT_EQ(post(denis_, "/v1/alerts/" + id + ":decline", R"({"reason":"no"})").status, 403);

  auto declined =
      post(bruno_, "/v1/alerts/" + id + ":decline", R"({"reason":"Wrong date: it is Sunday"})");
  ASSERT_EQ(declined.status, 200) << declined.body;
  EXPECT_NE(declined.body.find(R"("state":"DRAFT")"), std::string::npos) << declined.body;
  auto status = get(anne_, "/v1/alerts/" + id + "/approval");
  EXPECT_NE(status.body.find(R"("declinedBy":"Bruno Côté")"), std::string::npos) << status.body;
  EXPECT_NE(status.body.find(R"("declineReason":"Wrong date: it is Sunday")"), std::string::npos);

  // Another thought: Bruno approves after all, Anne sends, the engine finishes.
  ASSERT_EQ(post(bruno_, "/v1/alerts/" + id + ":approve").status, 200);
  ASSERT_EQ(post(anne_, "/v1/alerts/" + id + ":send").status, 202);
  RedisSync redis(redis_.port());
  ASSERT_TRUE(eventually(
      [&] {
        return redis.text({"HGET", "alert:{" + id + "}", "state"}) == "sent";
      },
      20s));
  ASSERT_EQ(post(anne_, "/v1/alerts/" + id + ":close").status, 200);

  auto trail = get(anne_, "/v1/alerts/" + id + "/audit");
  ASSERT_EQ(trail.status, 200) << trail.body;
  std::vector<std::string> actions;
  const std::regex action(R"re("action":"([a-z._]+)")re");
  for (auto it = std::sregex_iterator(trail.body.begin(), trail.body.end(), action);
       it != std::sregex_iterator(); ++it) {
    actions.push_back((*it)[1]);
  }
  EXPECT_EQ(actions,
            (std::vector<std::string>{"alert.create", "alert.approval_requested", "alert.decline",
                                      "alert.approve", "alert.send", "alert.sent", "alert.close"}))
      << trail.body;
  EXPECT_NE(trail.body.find("reason=Wrong date"), std::string::npos);
  // The global stream has the same entries, the decline's among them.
  bool in_global = false;
  for (const auto& entry : redis.command({"XRANGE", "audit", "-", "+"}).elements) {
    const auto& pairs = entry.elements[1].elements;
    for (size_t i = 0; i + 1 < pairs.size(); i += 2) {
      in_global = in_global || (pairs[i].str == "action" && pairs[i + 1].str == "alert.decline");
    }
  }
  EXPECT_TRUE(in_global);
  EXPECT_EQ(get(denis_, "/v1/alerts/" + id + "/audit").status, 403);
}

TEST_F(AlertsApproval, ATestGoesOnlyToTheOfficersOwnMobileAndEmail) {
  create_people();
  const std::string id = anne_drafts();
  const size_t anne_sms = sms_to(kAnneMobile).size();
  const size_t bruno_sms = sms_to(kBrunoMobile).size();
  auto sent = post(anne_, "/v1/alerts/" + id + ":test", R"({"language":"en"})");
  ASSERT_EQ(sent.status, 200) << sent.body;
  EXPECT_NE(sent.body.find(R"("smsSent":true)"), std::string::npos) << sent.body;
  EXPECT_NE(sent.body.find(R"("emailSent":true)"), std::string::npos) << sent.body;
  ASSERT_TRUE(eventually([&] { return sms_to(kAnneMobile).size() == anne_sms + 1; }, 10s));
  ASSERT_TRUE(eventually([&] { return emails_to(kAnneEmail).size() == 1; }, 10s));
  EXPECT_NE(sms_to(kAnneMobile).back().find("[TEST] Assembly"), std::string::npos)
      << sms_to(kAnneMobile).back();
  EXPECT_NE(emails_to(kAnneEmail)[0].find("Hello Alex"), std::string::npos);
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(sms_to(kBrunoMobile).size(), bruno_sms);
  EXPECT_TRUE(emails_to(kBrunoEmail).empty());
  EXPECT_EQ(smtp_.message_files().size(), 1u);  // no member got it either
  RedisSync redis(redis_.port());
  EXPECT_EQ(redis.integer({"HLEN", "alert:{" + id + "}:sent"}), 0);

  EXPECT_EQ(post(anne_, "/v1/alerts/" + id + ":test").status, 429);
  auto token = http_request("POST", url("/v1/alerts/" + id + ":test"), "{}", bearer(admin_));
  EXPECT_EQ(token.status, 400);
  EXPECT_NE(token.body.find("API token"), std::string::npos) << token.body;
  EXPECT_EQ(trail_actions(id), (std::vector<std::string>{"alert.create", "alert.test"}));
}

TEST_F(AlertsApproval,
       TheLinkIsRefusedToItsCreatorACoordinatorAfterExpiryAndForgedChangingNothing) {
  create_people();
  const std::string id = anne_drafts();
  ASSERT_EQ(post(anne_, "/v1/alerts/" + id + ":request-approval").status, 200);
  ASSERT_TRUE(eventually([&] { return sms_to(kBrunoMobile).size() == 2; }, 10s));
  const Link link = link_in_sms(kBrunoMobile);
  const std::string base = "/v1/alerts/" + id;

  auto refused_everywhere = [&](const std::string& who, const std::string& session,
                                const std::string& query, long status, const std::string& words) {
    SCOPED_TRACE(who);
    const auto before = alert_state(id);
    auto opened = get(session, base + "/approval" + query);
    EXPECT_EQ(opened.status, status) << opened.body;
    EXPECT_NE(opened.body.find(words), std::string::npos) << opened.body;
    auto approved = post(session, base + ":approve" + query);
    EXPECT_EQ(approved.status, status) << approved.body;
    auto declined = post(session, base + ":decline" + query, R"({"reason":"no"})");
    EXPECT_EQ(declined.status, status) << declined.body;
    EXPECT_EQ(alert_state(id), before) << "a refused request changed Redis";
  };
  refused_everywhere("creator", anne_, link.query(), 403,
                     "you created this alert; another executive must approve it");
  refused_everywhere("coordinator", denis_, link.query(), 403, "error");
  std::string forged = link.sig;
  forged[3] = forged[3] == 'a' ? 'b' : 'a';
  refused_everywhere("forged", bruno_, "?exp=" + link.exp + "&sig=" + forged, 403, "not valid");
  refused_everywhere("moved expiry", bruno_,
                     "?exp=" + std::to_string(std::stoll(link.exp) + 86400) + "&sig=" + link.sig,
                     403, "not valid");

  // The genuine link opens for Bruno...
  auto opened = get(bruno_, base + "/approval" + link.query());
  ASSERT_EQ(opened.status, 200) << opened.body;
  EXPECT_NE(opened.body.find(R"("linkChecked":true)"), std::string::npos) << opened.body;
  // ...until it expires: 25 hours later it no longer works.
  RedisSync redis(redis_.port());
  redis.command({"SET", "test:clock_offset_ms", std::to_string(25LL * 3600 * 1000)});
  ASSERT_TRUE(
      eventually([&] { return get(bruno_, base + "/approval" + link.query()).status == 410; }, 5s));
  refused_everywhere("expired", bruno_, link.query(), 410, "expired");
  EXPECT_EQ(redis.text({"HGET", "alert:{" + id + "}", "state"}), "draft");
}

TEST_F(AlertsApproval, TheCliRequestsApprovalDeclinesAndPrintsTheTrail) {
  create_people();
  auto created = http_request("POST", url("/v1/alerts"),
                              alert_json("SMS", R"({"sms":"Assemblée {code}"})"), bearer(admin_));
  ASSERT_EQ(created.status, 201) << created.body;
  std::smatch match;
  ASSERT_TRUE(std::regex_search(created.body, match, std::regex(R"re("id":"([a-z0-9]{16})")re")));
  const std::string id = match[1];
  const std::string zoe = daemon_->create_token(admin_, R"({"name":"Zoé","role":"executive"})");
  auto cli = [&](const std::string& token, std::vector<std::string> args) {
    args.insert(args.begin(), TOCSIN_CLI_PATH);
    return run_command(args, {{"TOCSIN_URL", daemon_->base_url()}, {"TOCSIN_TOKEN", token}});
  };

  // Asked by a script's token: every executive account is asked, Anne included.
  auto asked = cli(admin_, {"alert", "request-approval", id});
  ASSERT_EQ(asked.exit_code, 0) << asked.err;
  EXPECT_NE(asked.out.find("approval requested of 3 executives (Anne Roy, Bruno Côté, Chloé Lin): "
                           "2 by SMS, 3 by email"),
            std::string::npos)
      << asked.out;
  auto again = cli(admin_, {"alert", "request-approval", id});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.err.find("less than a minute ago"), std::string::npos) << again.err;

  auto empty = cli(zoe, {"alert", "decline", id, "--reason", " "});
  EXPECT_NE(empty.exit_code, 0);
  EXPECT_NE(empty.err.find("reason"), std::string::npos) << empty.err;
  auto declined = cli(zoe, {"alert", "decline", id, "--reason", "Pas ce dimanche"});
  ASSERT_EQ(declined.exit_code, 0) << declined.err;
  EXPECT_NE(declined.out.find("declined alert " + id + "; it stays a draft"), std::string::npos);

  auto trail = cli(admin_, {"alert", "audit", id});
  ASSERT_EQ(trail.exit_code, 0) << trail.err;
  const size_t created_at = trail.out.find("alert.create");
  const size_t asked_at = trail.out.find("alert.approval_requested");
  const size_t declined_at = trail.out.find("alert.decline");
  EXPECT_LT(created_at, asked_at) << trail.out;
  EXPECT_LT(asked_at, declined_at) << trail.out;
  EXPECT_NE(declined_at, std::string::npos) << trail.out;
  EXPECT_NE(trail.out.find("Zoé"), std::string::npos) << trail.out;
  EXPECT_NE(trail.out.find("reason=Pas ce dimanche"), std::string::npos) << trail.out;
  EXPECT_NE(trail.out.find("when ("), std::string::npos) << trail.out;
}

}  // namespace
}  // namespace tocsin::testing
