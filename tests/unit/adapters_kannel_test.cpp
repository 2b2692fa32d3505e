#include <curl/curl.h>
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>

#include "adapters/kannel/kannel_gateway.h"
#include "adapters/registry.h"
#include "config/config.h"
#include "members/text_fold.h"

namespace tocsin::adapters {
namespace {

using dispatch::Outcome;
using Params = std::map<std::string, std::string>;

constexpr char kSecret[] = "s3cret-Secret_0123";
constexpr char kFrench[] = "Réponds OUI à l'assemblée — Œuvre";
// 2026-05-01T12:00:00Z
constexpr int64_t kNow = 1777636800;

KannelSettings settings() {
  KannelSettings s;
  s.sendsms_url = "http://127.0.0.1:13013/cgi-bin/sendsms";
  s.username = "tocsin";
  s.password = "p&ss word+1";
  s.from = "+15145550100";
  s.webhook_secret = kSecret;
  s.timeout = std::chrono::milliseconds(4000);
  s.dlr_base_url = "https://tocsin.example.org/hooks/kannel/k1/dlr";
  return s;
}

KannelGateway gateway(KannelSettings s = settings()) {
  return KannelGateway("k1", 30, std::move(s), [] {
    return std::chrono::system_clock::time_point(std::chrono::seconds(kNow));
  });
}

OutgoingMessage sms(std::string text) {
  OutgoingMessage message;
  message.alert_id = "A7";
  message.member_id = "m-1042";
  message.channel = "sms";
  message.to = "+15145550123";
  message.language = "fr";
  message.text = std::move(text);
  message.idempotency_key = "A7:m-1042:sms";
  return message;
}

HttpRequest as_http(GatewayRequest request) {
  return std::get<HttpRequest>(std::move(request));
}

std::string unescape(const std::string& text) {
  int length = 0;
  std::unique_ptr<char, decltype(&curl_free)> out(
      curl_easy_unescape(nullptr, text.c_str(), static_cast<int>(text.size()), &length),
      &curl_free);
  return std::string(out.get(), static_cast<size_t>(length));
}

// The query of a URL, each value decoded once, as Kannel's HTTP server does.
Params query_of(const std::string& url) {
  Params params;
  const size_t question = url.find('?');
  std::string query = question == std::string::npos ? "" : url.substr(question + 1);
  size_t start = 0;
  while (start <= query.size()) {
    size_t end = query.find('&', start);
    if (end == std::string::npos) end = query.size();
    const std::string pair = query.substr(start, end - start);
    const size_t equals = pair.find('=');
    if (!pair.empty()) params[pair.substr(0, equals)] = unescape(pair.substr(equals + 1));
    start = end + 1;
  }
  return params;
}

CallbackRequest dlr_call(Params query) {
  CallbackRequest request;
  request.method = "GET";
  request.public_url = "https://tocsin.example.org/hooks/kannel/k1/dlr";
  for (auto& [key, value] : query) request.query.emplace_back(key, value);
  return request;
}

GatewayResponse answer(int status, std::string body) {
  GatewayResponse response;
  response.http_status = status;
  response.body = std::move(body);
  return response;
}

// --- build ------------------------------------------------------------------------------

TEST(AdaptersKannel, GsmTextIsSentWithCodingZero) {
  const auto request =
      as_http(gateway().build(sms("Assemblee urgente ce soir a 19 h, OUI ou NON?")));
  EXPECT_EQ(request.method, "GET");
  EXPECT_EQ(request.timeout, std::chrono::milliseconds(4000));
  EXPECT_TRUE(request.body.empty());
  EXPECT_EQ(request.url.rfind("http://127.0.0.1:13013/cgi-bin/sendsms?", 0), 0u) << request.url;
  const Params params = query_of(request.url);
  EXPECT_EQ(params.at("username"), "tocsin");
  EXPECT_EQ(params.at("password"), "p&ss word+1");
  EXPECT_EQ(params.at("from"), "+15145550100");
  EXPECT_EQ(params.at("to"), "+15145550123");
  EXPECT_EQ(params.at("text"), "Assemblee urgente ce soir a 19 h, OUI ou NON?");
  EXPECT_EQ(params.at("charset"), "UTF-8");
  EXPECT_EQ(params.at("coding"), "0");
  EXPECT_EQ(params.at("dlr-mask"), "31");
  EXPECT_FALSE(params.contains("validity"));
}

TEST(AdaptersKannel, GsmAccentsStayCodingZero) {
  // é è à ù É are in the GSM basic set: no reason to pay for UCS-2.
  const Params params = query_of(as_http(gateway().build(sms("Réponds OUI à l'assemblée"))).url);
  EXPECT_EQ(params.at("coding"), "0");
  EXPECT_EQ(params.at("text"), "Réponds OUI à l'assemblée");
}

TEST(AdaptersKannel, TextNeedingUcs2IsSentWithCodingTwoAsUtf8) {
  const Params params = query_of(as_http(gateway().build(sms(kFrench))).url);
  EXPECT_EQ(params.at("coding"), "2");
  EXPECT_EQ(params.at("charset"), "UTF-8");
  EXPECT_EQ(params.at("text"), kFrench);
}

TEST(AdaptersKannel, ReservedCharactersAreEscapedInTheQuery) {
  const auto request = as_http(gateway().build(sms("A&B=C+D 100% #1")));
  // '+' as %2B (a bare '+' is a space to Kannel), '&' '=' '%' '#' escaped.
  EXPECT_NE(request.url.find("to=%2B15145550123&"), std::string::npos) << request.url;
  EXPECT_NE(request.url.find("text=A%26B%3DC%2BD%20100%25%20%231&"), std::string::npos)
      << request.url;
  EXPECT_NE(request.url.find("password=p%26ss%20word%2B1&"), std::string::npos) << request.url;
  EXPECT_EQ(query_of(request.url).at("text"), "A&B=C+D 100% #1");
}

TEST(AdaptersKannel, DlrUrlKeepsKannelEscapesThroughOneDecoding) {
  const auto request = as_http(gateway().build(sms("Bonjour")));
  // Raw: the whole dlr-url is one escaped value, so its '&' and Kannel's '%d' cannot be
  // read as parameters or escapes of the sendsms request itself.
  EXPECT_NE(request.url.find("dlr-url=https%3A%2F%2Ftocsin.example.org%2Fhooks%2Fkannel%2Fk1%2F"
                             "dlr%3Fsecret%3Ds3cret-Secret_0123%26id%3Dfe78d85ca8f68b77%26type%3D"
                             "%25d%26smsc_reply%3D%25A"),
            std::string::npos)
      << request.url;
  // Decoded once by Kannel: what its %-expansion works on.
  EXPECT_EQ(query_of(request.url).at("dlr-url"),
            "https://tocsin.example.org/hooks/kannel/k1/dlr?secret=s3cret-Secret_0123"
            "&id=fe78d85ca8f68b77&type=%d&smsc_reply=%A");
}

TEST(AdaptersKannel, ValidityIsWholeMinutesLeftAtLeastOne) {
  auto validity = [](int64_t expires) {
    OutgoingMessage message = sms("Bonjour");
    message.expires_at_unix = expires;
    return query_of(as_http(gateway().build(message)).url).at("validity");
  };
  EXPECT_EQ(validity(kNow + 90 * 60 + 59), "90");
  EXPECT_EQ(validity(kNow + 3 * 3600), "180");
  EXPECT_EQ(validity(kNow + 30), "1");
  EXPECT_EQ(validity(kNow - 600), "1");
}

TEST(AdaptersKannel, WithoutPublicUrlOrFromThoseParametersAreLeftOut) {
  KannelSettings s = settings();
  s.dlr_base_url.clear();
  s.from.clear();
  const KannelGateway bare = gateway(s);
  EXPECT_FALSE(bare.has_receipts());
  const Params params = query_of(as_http(bare.build(sms("Bonjour"))).url);
  EXPECT_FALSE(params.contains("dlr-mask"));
  EXPECT_FALSE(params.contains("dlr-url"));
  EXPECT_FALSE(params.contains("from"));
  EXPECT_EQ(params.at("to"), "+15145550123");
  EXPECT_TRUE(gateway().has_receipts());
}

TEST(AdaptersKannel, BuildIsPure) {
  const KannelGateway g = gateway();
  EXPECT_EQ(as_http(g.build(sms(kFrench))).url, as_http(g.build(sms(kFrench))).url);
}

// --- message id -------------------------------------------------------------------------

TEST(AdaptersKannel, MessageIdIsShortStableHexOfTheKey) {
  EXPECT_EQ(kannel_message_id("A7:m-1042:sms"), "fe78d85ca8f68b77");  // sha256, first 8 bytes
  EXPECT_EQ(kannel_message_id(""), "e3b0c44298fc1c14");
  EXPECT_EQ(kannel_message_id("A7:m-1042:sms"), kannel_message_id("A7:m-1042:sms"));
  EXPECT_NE(kannel_message_id("A7:m-1042:sms"), kannel_message_id("A7:m-1043:sms"));
  // The id classify returns is the one the dlr-url carries back.
  const KannelGateway g = gateway();
  const auto result = g.classify(sms("x"), answer(202, "0: Accepted for delivery"));
  const std::string dlr_url = query_of(as_http(g.build(sms("x"))).url).at("dlr-url");
  EXPECT_EQ(query_of(dlr_url).at("id"), result.message_id);
}

// --- classify ---------------------------------------------------------------------------

TEST(AdaptersKannel, AcceptedAndQueuedAreAccepted) {
  const KannelGateway g = gateway();
  for (const char* body : {"0: Accepted for delivery", "3: Queued for later delivery"}) {
    SCOPED_TRACE(body);
    const auto result = g.classify(sms("x"), answer(202, body));
    EXPECT_EQ(result.outcome, Outcome::accepted);
    EXPECT_EQ(result.message_id, "fe78d85ca8f68b77");
    EXPECT_TRUE(result.reason.empty());
  }
}

TEST(AdaptersKannel, NonKannelSuccessIsNotTakenForAcceptance) {
  const auto result = gateway().classify(sms("x"), answer(200, "<html>It works!</html>"));
  // The gateway's URL is wrong, not the member's number: counted against the gateway.
  EXPECT_EQ(result.outcome, Outcome::temporary);
  EXPECT_TRUE(result.message_id.empty());
  EXPECT_NE(result.reason.find("not a Kannel answer"), std::string::npos) << result.reason;
}

TEST(AdaptersKannel, ServiceUnavailableAndServerErrorsAreTemporary) {
  const KannelGateway g = gateway();
  auto result = g.classify(sms("x"), answer(503, "Temporal failure, try again later."));
  EXPECT_EQ(result.outcome, Outcome::temporary);
  EXPECT_EQ(result.reason, "kannel http 503: Temporal failure, try again later.");
  EXPECT_EQ(g.classify(sms("x"), answer(500, "")).outcome, Outcome::temporary);
}

// A misconfigured gateway is temporary (as twilio's 401): it fails over, the members wait.
TEST(AdaptersKannel, RefusedCredentialsAreTemporaryWithoutThePassword) {
  const auto result = gateway().classify(sms("x"), answer(403, "Authorization failed for sendsms"));
  EXPECT_EQ(result.outcome, Outcome::temporary);
  EXPECT_NE(result.reason.find("username and password"), std::string::npos) << result.reason;
  EXPECT_NE(result.reason.find("kannel http 403: Authorization failed for sendsms"),
            std::string::npos)
      << result.reason;
  EXPECT_EQ(result.reason.find("p&ss"), std::string::npos);
}

TEST(AdaptersKannel, OtherClientErrorsArePermanentWithKannelsReasonMasked) {
  const KannelGateway g = gateway();
  auto result = g.classify(
      sms("x"), answer(400, "Number(s) has/have been denied by white- and/or black-lists."));
  EXPECT_EQ(result.outcome, Outcome::permanent);
  EXPECT_EQ(result.reason,
            "kannel http 400: Number(s) has/have been denied by white- and/or black-lists.");
  // A number in the answer (a proxy echoing the request) never reaches the reason.
  result = g.classify(sms("x"), answer(400, "Receiver +1 514 555 0123 rejected\r\nmore"));
  EXPECT_EQ(result.outcome, Outcome::permanent);
  EXPECT_EQ(result.reason, "kannel http 400: Receiver +1 # # # rejected");
  result = g.classify(sms("x"), answer(409, std::string(500, 'x')));
  EXPECT_EQ(result.outcome, Outcome::permanent);
  EXPECT_LE(result.reason.size(), 120u);
}

TEST(AdaptersKannel, WrongSendsmsPathIsTemporaryAndSaysSo) {
  const auto result = gateway().classify(sms("x"), answer(404, "Unknown service"));
  EXPECT_EQ(result.outcome, Outcome::temporary);
  EXPECT_NE(result.reason.find("sendsms_url"), std::string::npos) << result.reason;
}

TEST(AdaptersKannel, TimeoutsAndConnectionFailuresAreTemporary) {
  const KannelGateway g = gateway();
  GatewayResponse timed_out;
  timed_out.timed_out = true;
  timed_out.transport_error = CURLE_OPERATION_TIMEDOUT;
  EXPECT_EQ(g.classify(sms("x"), timed_out).outcome, Outcome::temporary);
  EXPECT_EQ(g.classify(sms("x"), timed_out).reason, "kannel request timed out");
  GatewayResponse refused;
  refused.transport_error = CURLE_COULDNT_CONNECT;
  refused.transport_message = "Failed to connect to 127.0.0.1 port 13013: Connection refused";
  const auto result = g.classify(sms("x"), refused);
  EXPECT_EQ(result.outcome, Outcome::temporary);
  EXPECT_EQ(result.reason,
            "kannel connection failed: Failed to connect to 127.0.0.1 port 13013: Connection "
            "refused");
}

TEST(AdaptersKannel, NoAnswerAfterTheRequestWasSentIsUnconfirmedUnderOurOwnId) {
  const KannelGateway g = gateway();
  GatewayResponse timed_out;
  timed_out.timed_out = true;
  timed_out.transport_error = CURLE_OPERATION_TIMEDOUT;
  timed_out.request_sent = true;
  const auto message = sms("x");
  const auto result = g.classify(message, timed_out);
  EXPECT_EQ(result.outcome, Outcome::unconfirmed);
  // A receipt for it, if the smsbox took it, still finds the member.
  EXPECT_EQ(result.message_id, kannel_message_id(message.idempotency_key));
}

// --- delivery reports -------------------------------------------------------------------

TEST(AdaptersKannel, DlrTypesMapToReceiptStates) {
  const KannelGateway g = gateway();
  const struct {
    const char* type;
    ReceiptState state;
    const char* word;
  } cases[] = {{"1", ReceiptState::delivered, "delivered"},
               {"2", ReceiptState::failed, "undelivered"},
               {"4", ReceiptState::queued, "buffered"},
               {"8", ReceiptState::sent, "smsc accepted"},
               {"16", ReceiptState::failed, "smsc rejected"}};
  for (const auto& c : cases) {
    SCOPED_TRACE(c.type);
    const auto parsed = g.parse_status(dlr_call({{"secret", kSecret},
                                                 {"id", "fe78d85ca8f68b77"},
                                                 {"type", c.type},
                                                 {"smsc_reply", "ACK/"}}));
    ASSERT_TRUE(parsed) << parsed.reason;
    EXPECT_EQ(parsed.value->message_id, "fe78d85ca8f68b77");
    EXPECT_EQ(parsed.value->state, c.state);
    EXPECT_EQ(parsed.value->provider_status, c.word);
    EXPECT_TRUE(parsed.value->error_code.empty());
  }
}

TEST(AdaptersKannel, FailedDlrCarriesTheSmppErrorCodeOnly) {
  const auto parsed = gateway().parse_status(
      dlr_call({{"secret", kSecret},
                {"id", "fe78d85ca8f68b77"},
                {"type", "2"},
                {"smsc_reply",
                 "id:0123 sub:001 dlvrd:000 submit date:2605011200 done date:2605011201 "
                 "stat:UNDELIV err:034 text:Réponds OUI à"}}));
  ASSERT_TRUE(parsed) << parsed.reason;
  EXPECT_EQ(parsed.value->state, ReceiptState::failed);
  EXPECT_EQ(parsed.value->error_code, "034");
}

TEST(AdaptersKannel, DlrWithoutTheRightSecretIsForged) {
  const KannelGateway g = gateway();
  auto parsed = g.parse_status(dlr_call({{"id", "fe78d85ca8f68b77"}, {"type", "1"}}));
  EXPECT_FALSE(parsed);
  EXPECT_EQ(parsed.error, CallbackError::forged);
  EXPECT_EQ(parsed.reason, "no secret");
  for (const char* wrong : {"s3cret-Secret_0124", "s3cret-Secret_012", "s3cret-Secret_01234", ""}) {
    SCOPED_TRACE(wrong);
    parsed =
        g.parse_status(dlr_call({{"secret", wrong}, {"id", "fe78d85ca8f68b77"}, {"type", "1"}}));
    EXPECT_FALSE(parsed);
    EXPECT_EQ(parsed.error, CallbackError::forged);
    EXPECT_EQ(parsed.reason.find(kSecret), std::string::npos);
  }
}

TEST(AdaptersKannel, DlrWithoutIdOrKnownTypeIsMalformed) {
  const KannelGateway g = gateway();
  const std::vector<Params> calls = {
      {{"secret", kSecret}, {"type", "1"}},
      {{"secret", kSecret}, {"id", ""}, {"type", "1"}},
      {{"secret", kSecret}, {"id", "fe78 d85c"}, {"type", "1"}},
      {{"secret", kSecret}, {"id", "fe78d85ca8f68b77"}},
      {{"secret", kSecret}, {"id", "fe78d85ca8f68b77"}, {"type", "3"}},
      {{"secret", kSecret}, {"id", "fe78d85ca8f68b77"}, {"type", "%d"}},
      {{"secret", kSecret}, {"id", "fe78d85ca8f68b77"}, {"type", "1x"}},
  };
  for (const auto& call : calls) {
    const auto parsed = g.parse_status(dlr_call(call));
    EXPECT_FALSE(parsed);
    EXPECT_EQ(parsed.error, CallbackError::malformed) << parsed.reason;
  }
}

// Found by kannel_webhook_fuzz: reasons quoted the value's first 16 bytes as they were, so
// a cut é or bytes that are not UTF-8 made the reason invalid UTF-8, which the JSON answer
// and the log line carry (protobuf logged an error for each such answer).
TEST(AdaptersKannel, ReasonsQuotingKannelsValuesStayValidUtf8) {
  const KannelGateway g = gateway();
  // 15 letters and an é: the first 16 bytes end inside the é.
  const std::string cut = std::string(15, 'a') + "é";
  auto parsed = g.parse_status(dlr_call({{"secret", kSecret}, {"id", cut}, {"type", "1"}}));
  EXPECT_EQ(parsed.error, CallbackError::malformed);
  EXPECT_EQ(parsed.reason, "bad id \"aaaaaaaaaaaaaaa?\"");
  EXPECT_TRUE(members::is_valid_utf8(parsed.reason)) << parsed.reason;
  parsed = g.parse_status(
      dlr_call({{"secret", kSecret}, {"id", "fe78d85ca8f68b77"}, {"type", "\xff\xfe" "1"}}));
  EXPECT_EQ(parsed.error, CallbackError::malformed);
  EXPECT_EQ(parsed.reason, "unknown type \"??1\"");
  EXPECT_TRUE(members::is_valid_utf8(parsed.reason)) << parsed.reason;
}

TEST(AdaptersKannel, DlrAsPostedFormIsReadToo) {
  CallbackRequest request;
  request.method = "POST";
  request.form = {{"secret", kSecret}, {"id", "fe78d85ca8f68b77"}, {"type", "8"}};
  const auto parsed = gateway().parse_status(request);
  ASSERT_TRUE(parsed) << parsed.reason;
  EXPECT_EQ(parsed.value->state, ReceiptState::sent);
}

// --- inbound ----------------------------------------------------------------------------

TEST(AdaptersKannel, InboundReplyIsRead) {
  const auto parsed = gateway().parse_inbound(dlr_call({{"secret", kSecret},
                                                        {"from", "+15145550123"},
                                                        {"to", "+15145550100"},
                                                        {"text", "OUI BUS été"},
                                                        {"ts", "1777636800"},
                                                        {"id", "5f0c1c4e-2b7a-4a43-9d1b"}}));
  ASSERT_TRUE(parsed) << parsed.reason;
  EXPECT_EQ(parsed.value->from, "+15145550123");
  EXPECT_EQ(parsed.value->to, "+15145550100");
  EXPECT_EQ(parsed.value->text, "OUI BUS été");
  EXPECT_EQ(parsed.value->provider_message_id, "5f0c1c4e-2b7a-4a43-9d1b");
}

TEST(AdaptersKannel, InboundChecksSecretThenFields) {
  const KannelGateway g = gateway();
  auto parsed = g.parse_inbound(dlr_call({{"secret", "nope"}, {"from", "+1"}, {"text", "OUI"}}));
  EXPECT_EQ(parsed.error, CallbackError::forged);
  parsed = g.parse_inbound(dlr_call({{"secret", kSecret}, {"text", "OUI"}}));
  EXPECT_EQ(parsed.error, CallbackError::malformed);
  parsed = g.parse_inbound(dlr_call({{"secret", kSecret}, {"from", "+15145550123"}}));
  EXPECT_EQ(parsed.error, CallbackError::malformed);
  parsed = g.parse_inbound(dlr_call({{"secret", kSecret}, {"from", "+15145550123"}, {"text", ""}}));
  ASSERT_TRUE(parsed) << parsed.reason;
  EXPECT_EQ(parsed.value->text, "");
}

// --- factory ----------------------------------------------------------------------------

class AdaptersKannelFactory : public ::testing::Test {
 protected:
  AdaptersKannelFactory() { register_kannel_gateway(registry_); }

  // One kannel entry with `fields` inside kannel { }, and http { public_url } when given.
  std::unique_ptr<Gateway> build(const std::string& fields,
                                 const std::string& public_url = "https://tocsin.example.org/") {
    std::string text;
    if (!public_url.empty()) text += "http { public_url: \"" + public_url + "\" }\n";
    text += "gateways { name: \"k1\" rate_per_second: 5 kannel { " + fields + " } }";
    errors_.clear();
    auto gateways = registry_.build_all(config::parse_text(text, "test.textproto"), &errors_);
    return gateways.empty() ? nullptr : std::move(gateways.front());
  }

  std::string error() const { return errors_.empty() ? "<none>" : errors_.front(); }

  static std::string valid_fields() {
    return R"(sendsms_url: "http://127.0.0.1:13013/cgi-bin/sendsms" username: "tocsin" )"
           R"(password { inline: "pw" } webhook_secret { inline: "s3cret-Secret_0123" } )";
  }

  GatewayRegistry registry_;
  std::vector<std::string> errors_;
};

TEST_F(AdaptersKannelFactory, ValidEntryBuildsAGatewayWithDefaults) {
  auto built = build(valid_fields() + R"(from: "+15145550100")");
  ASSERT_NE(built, nullptr) << error();
  EXPECT_EQ(built->type(), "kannel");
  EXPECT_EQ(built->name(), "k1");
  EXPECT_EQ(built->channel(), "sms");
  EXPECT_DOUBLE_EQ(built->rate_per_second(), 5);
  EXPECT_TRUE(built->has_receipts());
  const auto& s = dynamic_cast<KannelGateway&>(*built).settings();
  EXPECT_EQ(s.timeout, std::chrono::milliseconds(10000));
  EXPECT_EQ(s.password, "pw");
  EXPECT_EQ(s.from, "+15145550100");
  EXPECT_EQ(s.dlr_base_url, "https://tocsin.example.org/hooks/kannel/k1/dlr");

  built = build(valid_fields(), "");
  ASSERT_NE(built, nullptr) << error();
  EXPECT_FALSE(built->has_receipts());
}

TEST_F(AdaptersKannelFactory, EachBadFieldIsNamed) {
  const std::string secrets =
      R"(password { inline: "pw" } webhook_secret { inline: "s3cret-Secret_0123" } )";
  const std::string url = R"(sendsms_url: "http://127.0.0.1:13013/cgi-bin/sendsms" )";
  const struct {
    std::string fields;
    std::string error;
  } cases[] = {
      {R"(username: "u" )" + secrets, "gateways[0].kannel.sendsms_url: required"},
      {R"(sendsms_url: "ftp://h/x" username: "u" )" + secrets,
       "gateways[0].kannel.sendsms_url: expected http(s)://host:port/path with no query, got "
       "\"ftp://h/x\""},
      {R"(sendsms_url: "http://h:13013/cgi-bin/sendsms?user=x" username: "u" )" + secrets,
       "gateways[0].kannel.sendsms_url: expected"},
      {R"(sendsms_url: "127.0.0.1:13013/cgi-bin/sendsms" username: "u" )" + secrets,
       "gateways[0].kannel.sendsms_url: expected"},
      {url + secrets, "gateways[0].kannel.username: required"},
      {url + R"(username: "u" webhook_secret { inline: "s3cret-Secret_0123" })",
       "gateways[0].kannel.password: required"},
      {url + R"(username: "u" password { inline: "pw" })",
       "gateways[0].kannel.webhook_secret: required"},
      {url + R"(username: "u" password { inline: "pw" } webhook_secret { inline: "short" })",
       "gateways[0].kannel.webhook_secret: at least 16 characters"},
      {url + R"(username: "u" password { inline: "pw" } )"
             R"(webhook_secret { inline: "long enough but spaces" })",
       "gateways[0].kannel.webhook_secret: at least 16 characters"},
      {url + R"(username: "u" from: "+1234567890123456789012" )" + secrets,
       "gateways[0].kannel.from: at most 20 printable characters"},
      {url + R"(username: "u" timeout_ms: 50 )" + secrets,
       "gateways[0].kannel.timeout_ms: must be between 100 and 120000, got 50"},
      {url + R"(username: "u" password { env: "TOCSIN_TEST_SURELY_UNSET_VARIABLE" } )"
             R"(webhook_secret { inline: "s3cret-Secret_0123" })",
       "gateways[0].kannel.password: "},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.fields);
    EXPECT_EQ(build(c.fields), nullptr);
    ASSERT_EQ(errors_.size(), 1u);
    EXPECT_EQ(errors_[0].rfind(c.error, 0), 0u) << errors_[0];
    EXPECT_EQ(errors_[0].find("s3cret"), std::string::npos) << errors_[0];
  }
}

TEST_F(AdaptersKannelFactory, PublicUrlWithPercentIsRefused) {
  EXPECT_EQ(build(valid_fields(), "https://example.org/%7Etocsin"), nullptr);
  EXPECT_NE(error().find("public_url must not contain '%'"), std::string::npos) << error();
}

}  // namespace
}  // namespace tocsin::adapters
