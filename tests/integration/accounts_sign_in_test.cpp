// People's accounts and the dashboard's sign-in by one-time code, against a real tocsind
// (started with --test-clock, to age a code without waiting), a real redis-server, codes
// sent by SMS through a file gateway (read back from its file) and by email through a
// real SMTP server (aiosmtpd). The security cases check that a refused request changed
// nothing in Redis: a snapshot of every key (DUMP and TTL), apart from the audit stream
// and the limits' counters, which a refusal is meant to write, is taken before and after.

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "auth/auth_keys.h"
#include "auth/token.h"
#include "tests/support/daemon_process.h"
#include "tests/support/http_client.h"
#include "tests/support/mime_decode.h"
#include "tests/support/redis_server.h"
#include "tests/support/redis_sync.h"
#include "tests/support/sign_in.h"
#include "tests/support/smtp_sink.h"
#include "tests/support/temp_dir.h"

namespace tocsin::testing {
namespace {

using namespace std::chrono_literals;

constexpr char kLucMobile[] = "+15145550101";
constexpr char kMarieEmail[] = "marie.tremblay@example.org";

struct KeyState {
  std::string dump;
  int64_t pttl = 0;
};
using Snapshot = std::map<std::string, KeyState>;

class AccountsSignIn : public ::testing::Test {
 protected:
  void SetUp() override {
    sms_file_ = dir_.path() / "sms.jsonl";
    daemon_ = std::make_unique<DaemonProcess>(DaemonProcess::Options{
        .redis_url = redis_.url(),
        .extra_config = "gateways { name: \"sms\" rate_per_second: 50 file { channel: \"sms\" "
                        "path: \"" +
                        sms_file_.string() +
                        "\" } }\n"
                        "gateways { name: \"mail\" rate_per_second: 50 smtp { url: \"" +
                        smtp_.url() + "\" from: \"Tocsin <tocsin@example.org>\" } }\n",
        .test_clock = true});
    ASSERT_TRUE(eventually([&] { return http_get(url("/readyz")).status == 200; }, 5s));
    // The reply worker makes its stream and group once its own connection is up, which may
    // come after the routes answer: wait for it, or a snapshot could see it appear.
    RedisSync redis(redis_.port());
    ASSERT_TRUE(eventually([&] { return redis.integer({"EXISTS", "q:replies"}) == 1; }, 5s));
    admin_ = daemon_->bootstrap_admin("ops");
  }

  std::string url(const std::string& path) const { return daemon_->base_url() + path; }

  // POST /v1/accounts as the admin: the new account's id.
  std::string create_account(const std::string& json) {
    auto response = http_request("POST", url("/v1/accounts"), json, bearer(admin_));
    EXPECT_EQ(response.status, 201) << response.body;
    std::smatch match;
    std::regex_search(response.body, match, std::regex(R"re("id":"([0-9a-f]{16})")re"));
    return match[1];
  }
  std::string create_luc() {
    return create_account(R"({"name":"Luc Gagnon","role":"coordinator","regions":["estrie"],)"
                          R"("mobile":"514-555-0101"})");
  }
  std::string create_marie() {
    return create_account(R"({"name":"Marie Tremblay","role":"executive",)"
                          R"("email":"Marie.Tremblay@Example.org"})");
  }

  // As the dashboard's script posts: JSON, from our own origin.
  std::vector<std::string> from_page(const std::string& cookie = "") const {
    std::vector<std::string> headers{"Content-Type: application/json",
                                     "Origin: " + daemon_->base_url(),
                                     "Sec-Fetch-Site: same-origin"};
    if (!cookie.empty()) headers.push_back("Cookie: " + cookie);
    return headers;
  }

  HttpResponse request_code(const std::string& address, const std::string& language = "fr") {
    return http_request("POST", url("/v1/sessions:code"),
                        R"({"address":")" + address + R"(","language":")" + language + "\"}",
                        from_page());
  }
  HttpResponse sign_in(const std::string& address, const std::string& code) {
    return http_request("POST", url("/v1/sessions"),
                        R"({"address":")" + address + R"(","code":")" + code + "\"}", from_page());
  }

  // The code in the n-th (1-based) SMS the file gateway wrote.
  std::string sms_code(size_t n) {
    std::vector<std::string> lines;
    EXPECT_TRUE(eventually(
        [&] {
          std::ifstream in(sms_file_);
          lines.clear();
          for (std::string line; std::getline(in, line);) lines.push_back(line);
          return lines.size() >= n;
        },
        5s))
        << "SMS number " << n << " never came";
    if (lines.size() < n) return "";
    return code_in(lines[n - 1]);
  }
  size_t sms_count() {
    std::ifstream in(sms_file_);
    size_t count = 0;
    for (std::string line; std::getline(in, line);) ++count;
    return count;
  }

  // The code in the n-th email the SMTP server received (its text is quoted-printable).
  std::string email_code(size_t n) {
    EXPECT_TRUE(eventually([&] { return smtp_.message_files().size() >= n; }, 5s))
        << "email number " << n << " never came";
    const auto files = smtp_.message_files();
    if (files.size() < n) return "";
    std::ifstream in(files[n - 1]);
    std::stringstream text;
    text << in.rdbuf();
    return code_in(decode_quoted_printable(text.str()));
  }

  static std::string code_in(const std::string& text) {
    const std::string code = sign_in_code_in(text);
    EXPECT_FALSE(code.empty()) << "no code in: " << text;
    return code;
  }

  // tocsin_session=... from a sign-in's Set-Cookie, as a browser would send it back.
  static std::string cookie_of(const HttpResponse& response) {
    const std::string set = response.header("Set-Cookie");
    return set.substr(0, set.find(';'));
  }

  // Signs `address` in with a fresh code: the session cookie.
  std::string signed_in(const std::string& address, size_t sms_number) {
    EXPECT_EQ(request_code(address).status, 202);
    auto response = sign_in(address, sms_code(sms_number));
    EXPECT_EQ(response.status, 201) << response.body;
    return cookie_of(response);
  }

  Snapshot snapshot() {
    RedisSync redis(redis_.port());
    Snapshot keys;
    for (const auto& key : redis.command({"KEYS", "*"}).elements) {
      if (key.str == "audit" || key.str.starts_with("{audit}:") ||
          key.str.starts_with(auth::keys::sign_in_count(""))) {
        continue;
      }
      // The daemon's work queues are created by its consumers as they start, which may be
      // after the first snapshot: not data a request changes.
      if (key.str == "seats:notices" || key.str.starts_with("q:")) continue;
      keys[key.str] = {redis.command({"DUMP", key.str}).str, redis.integer({"PTTL", key.str})};
    }
    return keys;
  }
  // Same keys, same values, and no TTL renewed (a TTL only runs down meanwhile).
  static void expect_unchanged(const Snapshot& before, const Snapshot& after) {
    for (const auto& [key, state] : after) EXPECT_TRUE(before.contains(key)) << key << " was added";
    ASSERT_EQ(before.size(), after.size());
    for (const auto& [key, state] : before) {
      auto it = after.find(key);
      ASSERT_NE(it, after.end()) << key << " was deleted";
      EXPECT_EQ(it->second.dump, state.dump) << key << " changed";
      EXPECT_LE(it->second.pttl, state.pttl) << key << "'s expiry was renewed";
    }
  }

  // The audit entries' actions, oldest first, with their details.
  std::vector<std::string> audit() {
    RedisSync redis(redis_.port());
    std::vector<std::string> entries;
    for (const auto& entry : redis.command({"XRANGE", "audit", "-", "+"}).elements) {
      std::map<std::string, std::string> fields;
      const auto& pairs = entry.elements[1].elements;
      for (size_t i = 0; i + 1 < pairs.size(); i += 2) fields[pairs[i].str] = pairs[i + 1].str;
      entries.push_back(fields["action"] + " " + fields["detail"]);
    }
    return entries;
  }
  bool audited(const std::string& prefix) {
    for (const auto& entry : audit()) {
      if (entry.starts_with(prefix)) return true;
    }
    return false;
  }

  TempDir dir_;
  std::filesystem::path sms_file_;
  RedisServer redis_;
  SmtpSink smtp_;
  std::unique_ptr<DaemonProcess> daemon_;
  std::string admin_;
};

TEST_F(AccountsSignIn, AnAdminCreatesListsAndDisablesAccounts) {
  const std::string luc = create_luc();
  const std::string marie = create_marie();
  auto list = http_get(url("/v1/accounts"), bearer(admin_));
  ASSERT_EQ(list.status, 200);
  // Addresses are kept normalized: the mobile in E.164, the email in lower case.
  EXPECT_NE(list.body.find(R"("mobile":"+15145550101")"), std::string::npos) << list.body;
  EXPECT_NE(list.body.find(R"("email":"marie.tremblay@example.org")"), std::string::npos);
  EXPECT_LT(list.body.find("Luc Gagnon"), list.body.find("Marie Tremblay")) << "sorted by name";

  auto disabled =
      http_request("POST", url("/v1/accounts/" + luc + ":disable"), "{}", bearer(admin_));
  ASSERT_EQ(disabled.status, 200) << disabled.body;
  EXPECT_NE(disabled.body.find(R"("disabled":true)"), std::string::npos);
  EXPECT_EQ(http_request("POST", url("/v1/accounts/0000000000000000:disable"), "{}", bearer(admin_))
                .status,
            404);
  EXPECT_TRUE(audited("account.create name=Luc Gagnon role=coordinator"));
  EXPECT_TRUE(audited("account.disable sessions_ended=0"));
}

TEST_F(AccountsSignIn, AccountRequestsAreCheckedFieldByField) {
  create_luc();
  struct Case {
    std::string body;
    unsigned status;
    std::string field;
  };
  for (const auto& c : std::vector<Case>{
           {R"({"role":"executive","email":"a@b.org"})", 400, "name"},
           {R"({"name":"x","role":"boss","email":"a@b.org"})", 400, "role"},
           {R"({"name":"x","role":"coordinator","email":"a@b.org"})", 400, "regions"},
           {R"({"name":"x","role":"executive"})", 400, "mobile"},
           {R"({"name":"x","role":"executive","mobile":"555"})", 400, "mobile"},
           {R"({"name":"x","role":"executive","email":"a@b@c"})", 400, "email"},
           {R"({"name":"x","role":"executive","mobile":"+1 514 555 0101"})", 409, "mobile"},
       }) {
    auto response = http_request("POST", url("/v1/accounts"), c.body, bearer(admin_));
    EXPECT_EQ(response.status, c.status) << c.body << " " << response.body;
    EXPECT_NE(response.body.find("\"field\":\"" + c.field + "\""), std::string::npos)
        << c.body << " " << response.body;
  }
  const std::string executive = daemon_->create_token(admin_, R"({"name":"x","role":"executive"})");
  EXPECT_EQ(http_get(url("/v1/accounts"), bearer(executive)).status, 403);
}

TEST_F(AccountsSignIn, ACodeBySmsSignsInWithAStrictHttpOnlyCookie) {
  create_luc();
  auto asked = request_code("(514) 555-0101");
  ASSERT_EQ(asked.status, 202) << asked.body;
  const std::string code = sms_code(1);
  auto response = sign_in(kLucMobile, code);
  ASSERT_EQ(response.status, 201) << response.body;
  const std::string set_cookie = response.header("Set-Cookie");
  EXPECT_TRUE(
      std::regex_match(set_cookie, std::regex("tocsin_session=[A-Za-z0-9_-]{43}; Path=/; HttpOnly; "
                                              "SameSite=Strict; Max-Age=604800")))
      << set_cookie << " (no Secure: the public URL is http)";

  auto status = http_get(url("/v1/status"), {"Cookie: " + cookie_of(response)});
  ASSERT_EQ(status.status, 200) << status.body;
  EXPECT_NE(status.body.find(R"("tokenName":"Luc Gagnon")"), std::string::npos) << status.body;
  EXPECT_NE(status.body.find(R"("regions":["estrie"])"), std::string::npos);
  EXPECT_NE(status.body.find(R"("session":true)"), std::string::npos);

  // The session's key is the hash of the cookie's id; neither the id nor the code is
  // stored, and neither the code nor the mobile reaches the log.
  const std::string id = cookie_of(response).substr(std::string("tocsin_session=").size());
  RedisSync redis(redis_.port());
  for (const auto& key : redis.command({"KEYS", "*"}).elements) {
    EXPECT_EQ(key.str.find(id), std::string::npos);
    const std::string dump = redis.command({"DUMP", key.str}).str;
    EXPECT_EQ(dump.find(id), std::string::npos) << key.str;
    EXPECT_EQ(dump.find(code), std::string::npos) << key.str;
  }
  const std::string log = daemon_->process().stderr_text();
  EXPECT_NE(log.find("event=sign_in account="), std::string::npos) << log;
  EXPECT_EQ(log.find(code), std::string::npos);
  EXPECT_EQ(log.find(kLucMobile), std::string::npos);
  EXPECT_EQ(log.find("Luc Gagnon"), std::string::npos);
  EXPECT_TRUE(audited("sign_in.code_sent channel=sms"));
  EXPECT_TRUE(audited("session.sign_in"));
}

TEST_F(AccountsSignIn, ACodeByEmailSignsInInEnglish) {
  create_marie();
  ASSERT_EQ(request_code("MARIE.TREMBLAY@example.org", "en").status, 202);
  auto response = sign_in(kMarieEmail, email_code(1));
  ASSERT_EQ(response.status, 201) << response.body;
  EXPECT_NE(response.body.find(R"("role":"executive")"), std::string::npos);
  EXPECT_EQ(daemon_->process().stderr_text().find(kMarieEmail), std::string::npos);
}

TEST_F(AccountsSignIn, AnUnknownAddressGetsTheSameAnswerAndNoMessage) {
  create_luc();
  auto known = request_code(kLucMobile);
  auto unknown = request_code("+15145550199");
  EXPECT_EQ(unknown.status, known.status);
  EXPECT_EQ(unknown.body, known.body);
  sms_code(1);
  EXPECT_EQ(sms_count(), 1u);
  auto bad = request_code("not an address");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find(R"("field":"address")"), std::string::npos) << bad.body;
}

TEST_F(AccountsSignIn, ACodeReusedIsRefusedAndChangesNothing) {
  create_luc();
  ASSERT_EQ(request_code(kLucMobile).status, 202);
  const std::string code = sms_code(1);
  ASSERT_EQ(sign_in(kLucMobile, code).status, 201);
  const Snapshot before = snapshot();
  auto again = sign_in(kLucMobile, code);
  EXPECT_EQ(again.status, 401);
  EXPECT_EQ(again.header("Set-Cookie"), "");
  EXPECT_NE(again.body.find("no code is waiting"), std::string::npos) << again.body;
  expect_unchanged(before, snapshot());
  EXPECT_TRUE(audited("sign_in.failed reason=no_code channel=sms"));
}

TEST_F(AccountsSignIn, AnExpiredCodeIsRefusedAndChangesNothing) {
  create_luc();
  ASSERT_EQ(request_code(kLucMobile).status, 202);
  const std::string code = sms_code(1);
  // Eleven minutes later, by the daemon's clock.
  RedisSync(redis_.port()).command({"SET", "test:clock_offset_ms", "660000"});
  ASSERT_TRUE(eventually(
      [&] {
        return daemon_->process().stderr_text().find("event=test_clock_moved offset_ms=660000") !=
               std::string::npos;
      },
      5s));
  const Snapshot before = snapshot();
  auto late = sign_in(kLucMobile, code);
  EXPECT_EQ(late.status, 401);
  EXPECT_NE(late.body.find("expired"), std::string::npos) << late.body;
  expect_unchanged(before, snapshot());
  EXPECT_TRUE(audited("sign_in.failed reason=expired"));
}

TEST_F(AccountsSignIn, ACodeGuessedPastTheLimitIsRefusedAndChangesNothing) {
  create_luc();
  ASSERT_EQ(request_code(kLucMobile).status, 202);
  const std::string code = sms_code(1);
  const std::string wrong = code == "000000" ? "111111" : "000000";
  for (int attempt = 1; attempt <= 4; ++attempt) {
    auto response = sign_in(kLucMobile, wrong);
    EXPECT_EQ(response.status, 401);
    EXPECT_NE(response.body.find(std::to_string(5 - attempt) + (attempt == 4 ? " try" : " tries")),
              std::string::npos)
        << response.body;
  }
  auto fifth = sign_in(kLucMobile, wrong);
  EXPECT_NE(fifth.body.find("this code no longer works"), std::string::npos) << fifth.body;
  const Snapshot before = snapshot();
  auto right_too_late = sign_in(kLucMobile, code);
  EXPECT_EQ(right_too_late.status, 401) << "the right code, after five wrong ones";
  expect_unchanged(before, snapshot());
  for (const auto& [key, state] : before) {
    EXPECT_FALSE(key.starts_with(auth::keys::sign_in_code(""))) << "the fifth wrong code ended the code";
  }
  EXPECT_TRUE(audited("sign_in.failed reason=no_code"));
}

TEST_F(AccountsSignIn, AskingTooOftenIsLimitedWithAClearMessage) {
  create_luc();
  for (int i = 0; i < 5; ++i) ASSERT_EQ(request_code(kLucMobile).status, 202);
  sms_code(5);
  auto sixth = request_code(kLucMobile);
  EXPECT_EQ(sixth.status, 429);
  EXPECT_NE(sixth.body.find("too many codes were asked for this address in the last hour"),
            std::string::npos)
      << sixth.body;
  EXPECT_EQ(sixth.header("Retry-After"), "3600");
  EXPECT_EQ(sms_count(), 5u);
  EXPECT_TRUE(audited("sign_in.limited limit=code_requests_per_address"));
  // Only the newest code works: each request replaced the one before.
  if (sms_code(4) != sms_code(5)) {
    EXPECT_EQ(sign_in(kLucMobile, sms_code(4)).status, 401);
  }
  EXPECT_EQ(sign_in(kLucMobile, sms_code(5)).status, 201);
}

TEST_F(AccountsSignIn, AnUnknownAddressIsLimitedExactlyLikeAKnownOne) {
  create_luc();
  for (int i = 0; i < 5; ++i) ASSERT_EQ(request_code(kLucMobile).status, 202);
  const auto known = request_code(kLucMobile);
  ASSERT_EQ(known.status, 429);
  // An address no account has, asked for from another client address (so that the
  // per-client limit stays out of it): limited at the same count, in the same words.
  std::string sixth;
  for (int i = 0; i < 6; ++i) {
    const std::string body = R"({"address":"+15145550199","language":"fr"})";
    testing::RawConnection connection(daemon_->port(), "127.0.0.2");
    connection.send(
        "POST /v1/sessions:code HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        "Content-Type: application/json\r\nOrigin: " +
        daemon_->base_url() + "\r\nSec-Fetch-Site: same-origin\r\nContent-Length: " +
        std::to_string(body.size()) + "\r\n\r\n" + body);
    bool closed = false;
    sixth = connection.read_until_closed(5s, &closed);
    if (i < 5) {
      ASSERT_EQ(sixth.substr(0, 12), "HTTP/1.1 202") << i << ": " << sixth;
    }
  }
  EXPECT_EQ(sixth.substr(0, 12), "HTTP/1.1 429") << sixth;
  EXPECT_EQ(sixth.substr(sixth.find("\r\n\r\n") + 4), known.body);
  sms_code(5);
  EXPECT_EQ(sms_count(), 5u);  // Luc's five; none to the unknown address
}

TEST_F(AccountsSignIn, ASessionReplayedAfterSignOutEverywhereIsRefused) {
  create_luc();
  const std::string phone = signed_in(kLucMobile, 1);
  const std::string laptop = signed_in(kLucMobile, 2);
  auto out = http_request("POST", url("/v1/session:sign-out-everywhere"), "{}", from_page(phone));
  ASSERT_EQ(out.status, 200) << out.body;
  EXPECT_NE(out.body.find(R"("sessionsEnded":2)"), std::string::npos) << out.body;
  EXPECT_NE(out.header("Set-Cookie").find("Max-Age=0"), std::string::npos);
  const Snapshot before = snapshot();
  for (const auto& cookie : {phone, laptop}) {
    auto status = http_get(url("/v1/status"), {"Cookie: " + cookie});
    EXPECT_EQ(status.status, 401) << status.body;
    EXPECT_NE(status.body.find("your session has ended"), std::string::npos);
    EXPECT_EQ(http_request("POST", url("/v1/session:sign-out"), "{}", from_page(cookie)).status,
              401);
  }
  expect_unchanged(before, snapshot());
  EXPECT_TRUE(audited("session.sign_out_everywhere sessions_ended=2"));
}

TEST_F(AccountsSignIn, SigningOutEndsOnlyThatSession) {
  create_luc();
  const std::string phone = signed_in(kLucMobile, 1);
  const std::string laptop = signed_in(kLucMobile, 2);
  ASSERT_EQ(http_request("POST", url("/v1/session:sign-out"), "{}", from_page(phone)).status, 200);
  EXPECT_EQ(http_get(url("/v1/status"), {"Cookie: " + phone}).status, 401);
  EXPECT_EQ(http_get(url("/v1/status"), {"Cookie: " + laptop}).status, 200);
  EXPECT_TRUE(audited("session.sign_out"));
}

TEST_F(AccountsSignIn, SessionsThatExpiredLeaveTheAccountsSetAtTheNextSignIn) {
  const std::string luc = create_luc();
  const auto key_of = [](const std::string& cookie) {
    return auth::keys::session(
        auth::hash_token(cookie.substr(std::string("tocsin_session=").size())));
  };
  const std::string first = signed_in(kLucMobile, 1);
  const std::string second = signed_in(kLucMobile, 2);
  RedisSync redis(redis_.port());
  redis.command({"DEL", key_of(first)});  // as its idle limit would
  const std::string third = signed_in(kLucMobile, 3);
  EXPECT_EQ(redis.text({"SORT", auth::keys::account_sessions(luc), "ALPHA"}),
            std::min(key_of(second), key_of(third)) + "\n" +
                std::max(key_of(second), key_of(third)) + "\n");
}

TEST_F(AccountsSignIn, ASessionOfADisabledAccountIsRefusedAtOnce) {
  const std::string luc = create_luc();
  const std::string cookie = signed_in(kLucMobile, 1);
  ASSERT_EQ(http_get(url("/v1/status"), {"Cookie: " + cookie}).status, 200);
  ASSERT_EQ(
      http_request("POST", url("/v1/accounts/" + luc + ":disable"), "{}", bearer(admin_)).status,
      200);
  const Snapshot before = snapshot();
  EXPECT_EQ(http_get(url("/v1/status"), {"Cookie: " + cookie}).status, 401);
  EXPECT_EQ(http_request("POST", url("/v1/session:sign-out"), "{}", from_page(cookie)).status, 401);
  // Nor can it ask for a new code: the answer is the usual one, and no SMS goes.
  EXPECT_EQ(request_code(kLucMobile).status, 202);
  expect_unchanged(before, snapshot());
  EXPECT_EQ(sms_count(), 1u);
  EXPECT_TRUE(audited("account.disable sessions_ended=1"));
}

TEST_F(AccountsSignIn, AStateChangingRequestWithoutTheCsrfDefenceIsRefused) {
  create_marie();
  ASSERT_EQ(request_code(kMarieEmail).status, 202);
  const std::string cookie = cookie_of(sign_in(kMarieEmail, email_code(1)));
  const std::string alert =
      R"({"kind":"INFORMATION","title":"t","channels":["SMS"],"audience":"all",)"
      R"("messages":{"fr":{"sms":"x"}}})";
  const Snapshot before = snapshot();
  const std::vector<std::vector<std::string>> forged{
      {"Content-Type: application/json", "Cookie: " + cookie},  // says nothing: refused
      {"Content-Type: application/json", "Cookie: " + cookie, "Origin: https://evil.example"},
      {"Content-Type: application/json", "Cookie: " + cookie, "Origin: null"},
      {"Content-Type: application/json", "Cookie: " + cookie, "Sec-Fetch-Site: cross-site",
       "Origin: " + daemon_->base_url()},
      {"Content-Type: application/json", "Cookie: " + cookie, "Sec-Fetch-Site: same-site"},
  };
  for (const auto& headers : forged) {
    for (const std::string path : {"/v1/alerts", "/v1/session:sign-out-everywhere"}) {
      auto response = http_request("POST", url(path), alert, headers);
      EXPECT_EQ(response.status, 403) << path << " " << headers.back();
      EXPECT_NE(response.body.find("must come from the dashboard's own page"), std::string::npos)
          << response.body;
    }
  }
  expect_unchanged(before, snapshot());
  // The same session from the page itself may.
  EXPECT_EQ(
      http_request("POST", url("/v1/session:sign-out-everywhere"), "{}", from_page(cookie)).status,
      200);
}

TEST_F(AccountsSignIn, ACoordinatorSessionOnAnExecutiveRouteIsRefused) {
  create_luc();
  const std::string cookie = signed_in(kLucMobile, 1);
  const Snapshot before = snapshot();
  const std::string alert =
      R"({"kind":"INFORMATION","title":"t","channels":["SMS"],"audience":"all",)"
      R"("messages":{"fr":{"sms":"x"}}})";
  auto create = http_request("POST", url("/v1/alerts"), alert, from_page(cookie));
  EXPECT_EQ(create.status, 403) << create.body;
  EXPECT_NE(create.body.find("the coordinator role may not do this"), std::string::npos);
  EXPECT_EQ(http_get(url("/v1/accounts"), {"Cookie: " + cookie}).status, 403);
  EXPECT_EQ(
      http_request("POST", url("/v1/accounts"), R"({"name":"x","role":"admin"})", from_page(cookie))
          .status,
      403);
  expect_unchanged(before, snapshot());
}

TEST_F(AccountsSignIn, AForeignPageCannotSignSomeoneIn) {
  create_luc();
  auto response = http_request("POST", url("/v1/sessions:code"),
                               std::string(R"({"address":")") + kLucMobile + "\"}",
                               {"Content-Type: application/json", "Origin: https://evil.example"});
  EXPECT_EQ(response.status, 403);
  EXPECT_EQ(sms_count(), 0u);
}

TEST_F(AccountsSignIn, ARevokedTokenIsRefused) {
  const std::string executive =
      daemon_->create_token(admin_, R"({"name":"script","role":"executive"})");
  auto list = http_get(url("/v1/tokens"), bearer(admin_));
  ASSERT_EQ(list.status, 200);
  std::smatch match;
  ASSERT_TRUE(std::regex_search(list.body, match,
                                std::regex(R"re("id":"([0-9a-f]{16})","name":"script")re")))
      << list.body;
  EXPECT_EQ(list.body.find(executive), std::string::npos) << "a listing never shows a token";
  ASSERT_EQ(http_get(url("/v1/status"), bearer(executive)).status, 200);
  auto revoked = http_request("POST", url("/v1/tokens/" + std::string(match[1]) + ":revoke"), "{}",
                              bearer(admin_));
  ASSERT_EQ(revoked.status, 200) << revoked.body;
  EXPECT_EQ(http_get(url("/v1/status"), bearer(executive)).status, 401);
  EXPECT_EQ(http_request("POST", url("/v1/tokens/" + std::string(match[1]) + ":revoke"), "{}",
                         bearer(admin_))
                .status,
            404);
  EXPECT_TRUE(audited("token.revoke"));
}

// auth.session_idle_minutes and session_absolute_hours reach Redis: the session's key
// expires after the idle limit, each admitted request renews it, never past the absolute
// expiry the session holds.
TEST(AccountsSessionLimits, IdleAndAbsoluteExpiryComeFromTheConfig) {
  TempDir dir;
  const auto sms = dir.path() / "sms.jsonl";
  RedisServer redis;
  DaemonProcess daemon(
      {.redis_url = redis.url(),
       .extra_config = "auth { session_idle_minutes: 5 session_absolute_hours: 1 }\n"
                       "gateways { name: \"sms\" rate_per_second: 50 file { "
                       "channel: \"sms\" path: \"" +
                       sms.string() + "\" } }\n"});
  ASSERT_TRUE(
      eventually([&] { return http_get(daemon.base_url() + "/readyz").status == 200; }, 5s));
  const std::string admin = daemon.bootstrap_admin("ops");
  const auto texts = [&] {
    std::vector<std::string> lines;
    std::ifstream in(sms);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  };
  const int64_t before_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::system_clock::now().time_since_epoch())
                                .count();
  const std::string id =
      session_by_code(daemon, admin, R"({"name":"Luc","role":"executive","mobile":"+15145550101"})",
                      "+15145550101", texts);
  ASSERT_FALSE(id.empty());
  RedisSync sync(redis.port());
  const std::string key = auth::keys::session(auth::hash_token(id));
  const int64_t first_ttl = sync.integer({"PTTL", key});
  EXPECT_GT(first_ttl, 4 * 60'000);
  EXPECT_LE(first_ttl, 5 * 60'000);
  const int64_t expires_at_ms = std::stoll(sync.text({"HGET", key, "expires_at_ms"}));
  EXPECT_GE(expires_at_ms, before_ms + 3'600'000);
  EXPECT_LT(expires_at_ms, before_ms + 3'600'000 + 60'000);

  // An admitted request renews the idle limit: shorten it by hand, then use the session.
  sync.command({"PEXPIRE", key, "1000"});
  ASSERT_EQ(http_get(daemon.base_url() + "/v1/status", {"Cookie: tocsin_session=" + id}).status,
            200);
  EXPECT_GT(sync.integer({"PTTL", key}), 4 * 60'000);
  // Near its absolute expiry, it is renewed only up to it.
  const int64_t soon_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count() +
                          30'000;
  sync.command({"HSET", key, "expires_at_ms", std::to_string(soon_ms)});
  ASSERT_EQ(http_get(daemon.base_url() + "/v1/status", {"Cookie: tocsin_session=" + id}).status,
            200);
  const int64_t last_ttl = sync.integer({"PTTL", key});
  EXPECT_GT(last_ttl, 0);
  EXPECT_LE(last_ttl, 30'000);
}

}  // namespace
}  // namespace tocsin::testing
