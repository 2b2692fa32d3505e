// The twilio adapter without a network: signatures (the published test vector, forgeries),
// the request it builds, how it reads every kind of answer, receipts and replies, and the
// factory's checks of its config entry.

#include <curl/curl.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <algorithm>
#include <map>
#include <memory>
#include <string>

#include "adapters/registry.h"
#include "adapters/twilio/twilio_answer.h"
#include "adapters/twilio/twilio_gateway.h"
#include "adapters/twilio/twilio_signature.h"
#include "config/config.h"
#include "members/text_fold.h"

namespace tocsin::adapters {
namespace {

using dispatch::Outcome;
using namespace std::chrono_literals;
using twilio::FormParams;

constexpr char kSid[] = "AC0123456789abcdef0123456789abcdef";
constexpr char kToken[] = "s3cr3t-t0ken";
constexpr char kStatusUrl[] = "https://tocsin.example.org/hooks/twilio/tw1/status";
// 2026-03-01T12:00:00Z
constexpr int64_t kNow = 1772366400;

TwilioSettings settings() {
  TwilioSettings s;
  s.base_url = "https://api.twilio.test";
  s.account_sid = kSid;
  s.auth_token = kToken;
  s.from = "+15145550100";
  s.timeout = 2500ms;
  s.status_callback_url = kStatusUrl;
  return s;
}

TwilioGateway gateway(TwilioSettings s = settings()) {
  return TwilioGateway("tw1", 50, std::move(s), [] {
    return std::chrono::system_clock::time_point(std::chrono::seconds(kNow));
  });
}

OutgoingMessage sms(std::string text = "Assemblée ce soir") {
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
  char* raw = curl_easy_unescape(nullptr, text.c_str(), static_cast<int>(text.size()), &length);
  std::string out(raw, static_cast<size_t>(length));
  curl_free(raw);
  return out;
}

// Splits a form body strictly: '&' and '=' only as separators, values percent-decoded.
// A '+' left unescaped in the body would decode as a space in a real form decoder, so the
// test also refuses it.
std::multimap<std::string, std::string> decode_form(const std::string& body) {
  EXPECT_EQ(body.find('+'), std::string::npos) << body;
  EXPECT_EQ(body.find(' '), std::string::npos) << body;
  std::multimap<std::string, std::string> fields;
  size_t start = 0;
  while (start <= body.size()) {
    size_t end = body.find('&', start);
    if (end == std::string::npos) end = body.size();
    const std::string pair = body.substr(start, end - start);
    const size_t eq = pair.find('=');
    EXPECT_NE(eq, std::string::npos) << pair;
    fields.emplace(unescape(pair.substr(0, eq)), unescape(pair.substr(eq + 1)));
    start = end + 1;
  }
  return fields;
}

std::string header(const Headers& headers, const std::string& name) {
  for (const auto& [key, value] : headers) {
    if (key == name) return value;
  }
  return "<missing>";
}

std::string decode_base64(const std::string& text) {
  std::string out(text.size(), '\0');
  const int length = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                     reinterpret_cast<const unsigned char*>(text.data()),
                                     static_cast<int>(text.size()));
  EXPECT_GE(length, 0);
  // EVP_DecodeBlock counts a zero byte for each '=' of padding.
  const size_t padding = text.size() - text.find_last_not_of('=') - 1;
  out.resize(static_cast<size_t>(std::max(length, 0)) - padding);
  return out;
}

// --- signature ---------------------------------------------------------------------------

const FormParams kVectorParams = {{"CallSid", "CA1234567890ABCDE"},
                                  {"Caller", "+12349013030"},
                                  {"Digits", "1234"},
                                  {"From", "+12349013030"},
                                  {"To", "+18005551212"}};
constexpr char kVectorUrl[] = "https://mycompany.com/myapp.php?foo=1&bar=2";
constexpr char kVectorSignature[] = "0/KCTR6DLpKmkAf8muzZqo1nDgQ=";

TEST(AdaptersTwilioSignature, PublishedTestVector) {
  EXPECT_EQ(twilio::twilio_signature("12345", kVectorUrl, kVectorParams), kVectorSignature);
  EXPECT_TRUE(twilio::signature_matches("12345", kVectorUrl, kVectorParams, kVectorSignature));
}

TEST(AdaptersTwilioSignature, ParameterOrderDoesNotMatter) {
  FormParams reversed(kVectorParams.rbegin(), kVectorParams.rend());
  EXPECT_EQ(twilio::twilio_signature("12345", kVectorUrl, reversed), kVectorSignature);
}

TEST(AdaptersTwilioSignature, AnyChangeBreaksIt) {
  FormParams tampered = kVectorParams;
  tampered[2].second = "1235";
  EXPECT_FALSE(twilio::signature_matches("12345", kVectorUrl, tampered, kVectorSignature));
  FormParams extra = kVectorParams;
  extra.emplace_back("Body", "x");
  EXPECT_FALSE(twilio::signature_matches("12345", kVectorUrl, extra, kVectorSignature));
  EXPECT_FALSE(twilio::signature_matches("12346", kVectorUrl, kVectorParams, kVectorSignature));
  EXPECT_FALSE(twilio::signature_matches("12345", "https://mycompany.com/myapp.php?foo=1&bar=3",
                                         kVectorParams, kVectorSignature));
  EXPECT_FALSE(twilio::signature_matches("12345", kVectorUrl, kVectorParams, ""));
  EXPECT_FALSE(
      twilio::signature_matches("12345", kVectorUrl, kVectorParams, "0/KCTR6DLpKmkAf8muzZqo1nDgQ"));
}

TEST(AdaptersTwilioSignature, UrlVariantsAddOrRemoveTheDefaultPortOnly) {
  using V = std::vector<std::string>;
  EXPECT_EQ(twilio::signature_url_variants("https://a.example/x?y=1"),
            (V{"https://a.example/x?y=1", "https://a.example:443/x?y=1"}));
  EXPECT_EQ(twilio::signature_url_variants("https://a.example:443/x"),
            (V{"https://a.example:443/x", "https://a.example/x"}));
  EXPECT_EQ(twilio::signature_url_variants("http://127.0.0.1/hooks"),
            (V{"http://127.0.0.1/hooks", "http://127.0.0.1:80/hooks"}));
  EXPECT_EQ(twilio::signature_url_variants("http://127.0.0.1:80"),
            (V{"http://127.0.0.1:80", "http://127.0.0.1"}));
  // A port of its own is part of the address: never dropped.
  EXPECT_EQ(twilio::signature_url_variants("http://127.0.0.1:8080/h"),
            (V{"http://127.0.0.1:8080/h"}));
  EXPECT_EQ(twilio::signature_url_variants("not a url"), (V{"not a url"}));
}

TEST(AdaptersTwilioSignature, SignedWithOrWithoutDefaultPortVerifiesEitherWay) {
  const std::string with_port = "https://mycompany.com:443/myapp.php?foo=1&bar=2";
  const std::string signed_with_port = twilio::twilio_signature("12345", with_port, kVectorParams);
  EXPECT_NE(signed_with_port, kVectorSignature);
  EXPECT_TRUE(twilio::signature_matches("12345", kVectorUrl, kVectorParams, signed_with_port));
  EXPECT_TRUE(twilio::signature_matches("12345", with_port, kVectorParams, kVectorSignature));
}

// --- build -------------------------------------------------------------------------------

TEST(AdaptersTwilioBuild, PostsTheFormToTheMessagesUrlWithBasicAuth) {
  const TwilioGateway twilio = gateway();
  EXPECT_EQ(twilio.type(), "twilio");
  EXPECT_EQ(twilio.channel(), "sms");
  EXPECT_TRUE(twilio.has_receipts());
  const HttpRequest request = as_http(twilio.build(sms()));
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.url,
            "https://api.twilio.test/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/"
            "Messages.json");
  EXPECT_EQ(request.timeout, 2500ms);
  EXPECT_EQ(header(request.headers, "Content-Type"), "application/x-www-form-urlencoded");
  const std::string authorization = header(request.headers, "Authorization");
  ASSERT_EQ(authorization.rfind("Basic ", 0), 0u) << authorization;
  EXPECT_EQ(decode_base64(authorization.substr(6)), std::string(kSid) + ":" + kToken);
}

TEST(AdaptersTwilioBuild, EveryFieldIsEscapedAndDecodesToItsValue) {
  const std::string text = "Grève générale : ÊTES-VOUS LÀ ? 100% & +1 « oui » = ça’";
  const HttpRequest request = as_http(gateway().build(sms(text)));
  // The number's '+' is escaped: unescaped, a form decoder reads it as a space.
  EXPECT_NE(request.body.find("To=%2B15145550123"), std::string::npos) << request.body;
  EXPECT_NE(request.body.find("From=%2B15145550100"), std::string::npos) << request.body;
  // UTF-8 bytes, escaped one by one: "è" is C3 A8.
  EXPECT_NE(request.body.find("Body=Gr%C3%A8ve"), std::string::npos) << request.body;
  const auto fields = decode_form(request.body);
  EXPECT_EQ(fields.size(), 4u);
  EXPECT_EQ(fields.find("To")->second, "+15145550123");
  EXPECT_EQ(fields.find("From")->second, "+15145550100");
  EXPECT_EQ(fields.find("Body")->second, text);
  EXPECT_EQ(fields.find("StatusCallback")->second, kStatusUrl);
  EXPECT_EQ(fields.count("MessagingServiceSid"), 0u);
  EXPECT_EQ(fields.count("ValidityPeriod"), 0u) << "no expiry, no validity period";
}

TEST(AdaptersTwilioBuild, MessagingServiceReplacesFrom) {
  TwilioSettings s = settings();
  s.from.clear();
  s.messaging_service_sid = "MG0123456789abcdef0123456789abcdef";
  s.status_callback_url.clear();
  const auto fields = decode_form(as_http(gateway(s).build(sms())).body);
  EXPECT_EQ(fields.count("From"), 0u);
  EXPECT_EQ(fields.find("MessagingServiceSid")->second, "MG0123456789abcdef0123456789abcdef");
  EXPECT_EQ(fields.count("StatusCallback"), 0u) << "no public URL, no callback asked for";
}

TEST(AdaptersTwilioBuild, ValidityPeriodIsTimeLeftClampedToTwiliosRange) {
  const TwilioGateway twilio = gateway();
  auto validity = [&twilio](int64_t expires_at) {
    OutgoingMessage message = sms();
    message.expires_at_unix = expires_at;
    const auto fields = decode_form(as_http(twilio.build(message)).body);
    auto it = fields.find("ValidityPeriod");
    return it == fields.end() ? std::string("<none>") : it->second;
  };
  EXPECT_EQ(validity(kNow + 5400), "5400");
  EXPECT_EQ(validity(kNow + 1), "1");
  EXPECT_EQ(validity(kNow), "1") << "expiring now: the shortest period, never 0";
  EXPECT_EQ(validity(kNow - 60), "1");
  EXPECT_EQ(validity(kNow + 36000), "36000");
  EXPECT_EQ(validity(kNow + 7 * 86400), "36000");
  EXPECT_EQ(validity(0), "<none>");
}

TEST(AdaptersTwilioBuild, SameMessageSameRequest) {
  const TwilioGateway twilio = gateway();
  OutgoingMessage message = sms();
  message.expires_at_unix = kNow + 600;
  const HttpRequest a = as_http(twilio.build(message));
  const HttpRequest b = as_http(twilio.build(message));
  EXPECT_EQ(a.url, b.url);
  EXPECT_EQ(a.headers, b.headers);
  EXPECT_EQ(a.body, b.body);
}

// --- classify ----------------------------------------------------------------------------

GatewayResponse answer(int status, std::string body, Headers headers = {}) {
  GatewayResponse response;
  response.http_status = status;
  response.body = std::move(body);
  response.headers = std::move(headers);
  return response;
}

std::string error_body(int code, int status) {
  // Twilio's message quotes the number; the reason must not.
  return R"({"code": )" + std::to_string(code) +
         R"(, "message": "The 'To' number +15145550123 )"
         R"(is not valid.", "more_info": "https://www.twilio.com/docs/errors/)" +
         std::to_string(code) + R"(", "status": )" + std::to_string(status) + "}";
}

TEST(AdaptersTwilioClassify, CreatedWithSidIsAccepted) {
  const auto result = gateway().classify(
      sms(), answer(201, R"({"account_sid": "AC1", "api_version": "2010-04-01", "body": "x",)"
                         R"( "sid": "SM0123456789abcdef0123456789abcdef", "status": "queued",)"
                         R"( "subresource_uris": {"media": "/x"}})"));
  EXPECT_EQ(result.outcome, Outcome::accepted);
  EXPECT_EQ(result.message_id, "SM0123456789abcdef0123456789abcdef");
}

TEST(AdaptersTwilioClassify, SuccessWithoutSidIsAcceptedUnderOurKey) {
  const auto result = gateway().classify(sms(), answer(200, "OK"));
  EXPECT_EQ(result.outcome, Outcome::accepted) << "sending again would duplicate the SMS";
  EXPECT_EQ(result.message_id, "twilio-A7:m-1042:sms");
}

TEST(AdaptersTwilioClassify, TooManyRequestsIsThrottledWithRetryAfter) {
  const auto result =
      gateway().classify(sms(), answer(429, error_body(20429, 429), {{"retry-after", "3"}}));
  EXPECT_EQ(result.outcome, Outcome::throttled);
  ASSERT_TRUE(result.retry_after.has_value());
  EXPECT_EQ(*result.retry_after, 3000ms);
  EXPECT_EQ(result.reason, "twilio 20429 too many requests (http 429)");
}

TEST(AdaptersTwilioClassify, ThrottledWithoutOrWithUnreadableRetryAfter) {
  auto result = gateway().classify(sms(), answer(429, ""));
  EXPECT_EQ(result.outcome, Outcome::throttled);
  EXPECT_FALSE(result.retry_after.has_value());
  result = gateway().classify(sms(),
                              answer(429, "", {{"Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT"}}));
  EXPECT_EQ(result.outcome, Outcome::throttled);
  EXPECT_FALSE(result.retry_after.has_value());
}

TEST(AdaptersTwilioClassify, Code20429UnderAnotherStatusIsThrottled) {
  const auto result = gateway().classify(sms(), answer(400, error_body(20429, 400)));
  EXPECT_EQ(result.outcome, Outcome::throttled);
}

TEST(AdaptersTwilioClassify, Code21610IsOptedOut) {
  const auto result = gateway().classify(sms(), answer(400, error_body(21610, 400)));
  EXPECT_EQ(result.outcome, Outcome::opted_out);
  EXPECT_EQ(result.reason, "twilio 21610 recipient opted out (http 400)");
}

TEST(AdaptersTwilioClassify, ServerErrorsAreTemporary) {
  for (int status : {500, 502, 503, 504}) {
    SCOPED_TRACE(status);
    const auto result = gateway().classify(sms(), answer(status, "<html>Bad gateway</html>"));
    EXPECT_EQ(result.outcome, Outcome::temporary);
    EXPECT_EQ(result.reason, "twilio http " + std::to_string(status));
  }
  const auto coded = gateway().classify(sms(), answer(500, error_body(20500, 500)));
  EXPECT_EQ(coded.outcome, Outcome::temporary);
  EXPECT_EQ(coded.reason, "twilio http 500 (code 20500)");
}

TEST(AdaptersTwilioClassify, TimeoutAndConnectionFailureAreTemporary) {
  GatewayResponse timed_out;
  timed_out.timed_out = true;
  timed_out.transport_error = CURLE_OPERATION_TIMEDOUT;
  auto result = gateway().classify(sms(), timed_out);
  EXPECT_EQ(result.outcome, Outcome::temporary);
  EXPECT_EQ(result.reason, "twilio request timed out");

  GatewayResponse refused;
  refused.transport_error = CURLE_COULDNT_CONNECT;
  refused.transport_message = "Failed to connect to 127.0.0.1 port 9: Connection refused";
  result = gateway().classify(sms(), refused);
  EXPECT_EQ(result.outcome, Outcome::temporary);
  EXPECT_EQ(result.reason,
            "twilio connection failed: Failed to connect to 127.0.0.1 port 9: Connection refused");
}

// Once the whole request was written, a late answer may hide an accepted message.
TEST(AdaptersTwilioClassify, NoAnswerAfterTheRequestWasSentIsUnconfirmed) {
  GatewayResponse timed_out;
  timed_out.timed_out = true;
  timed_out.transport_error = CURLE_OPERATION_TIMEDOUT;
  timed_out.request_sent = true;
  auto result = gateway().classify(sms(), timed_out);
  EXPECT_EQ(result.outcome, Outcome::unconfirmed);
  EXPECT_EQ(result.reason, "twilio gave no answer in time after the request was sent");
  EXPECT_TRUE(result.message_id.empty());

  // A connection dropped mid-request: the provider most likely failed before sending.
  GatewayResponse dropped;
  dropped.transport_error = CURLE_GOT_NOTHING;
  dropped.transport_message = "Empty reply from server";
  dropped.request_sent = true;
  result = gateway().classify(sms(), dropped);
  EXPECT_EQ(result.outcome, Outcome::temporary);
  EXPECT_EQ(result.reason, "twilio connection failed: Empty reply from server");
}

TEST(AdaptersTwilioClassify, OurOwnBadCredentialsCountAgainstTheGatewayNotTheMember) {
  struct Case {
    int status;
    int code;
    std::string reason;
  };
  const Case cases[] = {
      {401, 20003, "twilio 20003 credentials refused (http 401)"},
      {403, 0, "twilio http 403"},
      {404, 20404, "twilio 20404 resource not found (account sid?) (http 404)"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.reason);
    const auto result = gateway().classify(
        sms(), answer(c.status, c.code == 0 ? "Forbidden" : error_body(c.code, c.status)));
    EXPECT_EQ(result.outcome, Outcome::temporary);
    EXPECT_EQ(result.reason, c.reason);
  }
}

TEST(AdaptersTwilioClassify, ClientErrorsArePermanentAndNeverQuoteTheNumber) {
  struct Case {
    int status;
    int code;
    std::string reason;
  };
  const Case cases[] = {
      {400, 21211, "twilio 21211 invalid number (http 400)"},
      {400, 21614, "twilio 21614 not a mobile number (http 400)"},
      {400, 21408, "twilio 21408 region not enabled (http 400)"},
      {400, 21999, "twilio http 400 (code 21999)"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.reason);
    const auto result = gateway().classify(
        sms(), answer(c.status, c.code == 0 ? "Forbidden" : error_body(c.code, c.status)));
    EXPECT_EQ(result.outcome, Outcome::permanent);
    EXPECT_EQ(result.reason, c.reason);
    EXPECT_EQ(result.reason.find("5550123"), std::string::npos);
    EXPECT_TRUE(result.message_id.empty());
  }
}

TEST(AdaptersTwilioClassify, OddStatusesAreTemporary) {
  EXPECT_EQ(gateway().classify(sms(), answer(302, "")).outcome, Outcome::temporary);
  EXPECT_EQ(gateway().classify(sms(), answer(0, "")).outcome, Outcome::temporary);
}

TEST(AdaptersTwilioAnswer, ScanFindsKeysNotValuesAndToleratesJunk) {
  EXPECT_EQ(twilio::json_scalar(R"({"account_sid":"AC1","sid" : "SM2"})", "sid"), "SM2");
  EXPECT_EQ(twilio::json_scalar(R"({"body":"sid","x":1,"sid":"SM3"})", "sid"), "SM3");
  EXPECT_EQ(twilio::json_scalar(R"({"code":21211,"x":1})", "code"), "21211");
  EXPECT_EQ(twilio::json_scalar(R"({"code": null})", "code"), "null");
  EXPECT_EQ(twilio::json_scalar(R"({"sid": "unterminated)", "sid"), std::nullopt);
  EXPECT_EQ(twilio::json_scalar("<html>502</html>", "sid"), std::nullopt);
  EXPECT_EQ(twilio::error_code(R"({"code":"21610"})"), 21610);
  EXPECT_EQ(twilio::error_code(R"({"code":null})"), 0);
  EXPECT_EQ(twilio::error_code(""), 0);
}

// --- status and inbound webhooks ---------------------------------------------------------

CallbackRequest signed_callback(FormParams form, const std::string& url = kStatusUrl,
                                const std::string& token = kToken) {
  CallbackRequest request;
  request.method = "POST";
  request.public_url = url;
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                     {"X-Twilio-Signature", twilio::twilio_signature(token, url, form)}};
  request.form = std::move(form);
  return request;
}

FormParams status_form(const std::string& status) {
  return {{"SmsSid", "SM0123"},     {"SmsStatus", status},       {"MessageStatus", status},
          {"To", "+15145550123"},   {"MessageSid", "SM0123"},    {"AccountSid", kSid},
          {"From", "+15145550100"}, {"ApiVersion", "2010-04-01"}};
}

TEST(AdaptersTwilioStatus, MapsEveryStatus) {
  const std::pair<std::string, ReceiptState> cases[] = {
      {"queued", ReceiptState::queued},      {"accepted", ReceiptState::queued},
      {"sending", ReceiptState::queued},     {"scheduled", ReceiptState::queued},
      {"sent", ReceiptState::sent},          {"delivered", ReceiptState::delivered},
      {"read", ReceiptState::delivered},     {"failed", ReceiptState::failed},
      {"undelivered", ReceiptState::failed}, {"canceled", ReceiptState::failed},
  };
  const TwilioGateway twilio = gateway();
  for (const auto& [status, state] : cases) {
    SCOPED_TRACE(status);
    const auto parsed = twilio.parse_status(signed_callback(status_form(status)));
    ASSERT_TRUE(parsed) << parsed.reason;
    EXPECT_EQ(parsed.value->message_id, "SM0123");
    EXPECT_EQ(parsed.value->state, state);
    EXPECT_EQ(parsed.value->provider_status, status);
    EXPECT_EQ(parsed.value->error_code, "");
  }
}

TEST(AdaptersTwilioStatus, FailureCarriesTheErrorCode) {
  FormParams form = status_form("undelivered");
  form.emplace_back("ErrorCode", "30003");
  const auto parsed = gateway().parse_status(signed_callback(form));
  ASSERT_TRUE(parsed) << parsed.reason;
  EXPECT_EQ(parsed.value->state, ReceiptState::failed);
  EXPECT_EQ(parsed.value->error_code, "30003");
}

TEST(AdaptersTwilioStatus, UnsignedForgedOrTamperedIsForged) {
  const TwilioGateway twilio = gateway();
  CallbackRequest unsigned_call = signed_callback(status_form("delivered"));
  unsigned_call.headers.pop_back();
  auto parsed = twilio.parse_status(unsigned_call);
  EXPECT_FALSE(parsed);
  EXPECT_EQ(parsed.error, CallbackError::forged);
  EXPECT_EQ(parsed.reason, "missing X-Twilio-Signature");

  CallbackRequest other_token = signed_callback(status_form("delivered"), kStatusUrl, "guess");
  parsed = twilio.parse_status(other_token);
  EXPECT_EQ(parsed.error, CallbackError::forged);
  EXPECT_EQ(parsed.reason, "X-Twilio-Signature does not match");

  CallbackRequest tampered = signed_callback(status_form("failed"));
  for (auto& [name, value] : tampered.form) {
    if (name == "MessageStatus") value = "delivered";
  }
  EXPECT_EQ(twilio.parse_status(tampered).error, CallbackError::forged);

  CallbackRequest added = signed_callback(status_form("sent"));
  added.form.emplace_back("ErrorCode", "30007");
  EXPECT_EQ(twilio.parse_status(added).error, CallbackError::forged);

  // Signed for another gateway's URL, replayed to this one.
  CallbackRequest replayed = signed_callback(status_form("delivered"),
                                             "https://tocsin.example.org/hooks/twilio/tw2/status");
  replayed.public_url = kStatusUrl;
  EXPECT_EQ(twilio.parse_status(replayed).error, CallbackError::forged);
}

TEST(AdaptersTwilioStatus, HeaderNameIsCaseInsensitiveAndDefaultPortTolerated) {
  const TwilioGateway twilio = gateway();
  CallbackRequest request = signed_callback(
      status_form("delivered"), "https://tocsin.example.org:443/hooks/twilio/tw1/status");
  request.public_url = kStatusUrl;
  request.headers[1].first = "x-twilio-signature";
  EXPECT_TRUE(twilio.parse_status(request));
}

TEST(AdaptersTwilioStatus, AuthenticButUnreadableIsMalformed) {
  const TwilioGateway twilio = gateway();
  auto parsed = twilio.parse_status(signed_callback(status_form("teleported")));
  EXPECT_EQ(parsed.error, CallbackError::malformed);
  EXPECT_EQ(parsed.reason, "unknown MessageStatus \"teleported\"");

  FormParams no_sid = status_form("sent");
  std::erase_if(no_sid, [](const auto& p) { return p.first == "MessageSid"; });
  parsed = twilio.parse_status(signed_callback(no_sid));
  EXPECT_EQ(parsed.error, CallbackError::malformed);
  EXPECT_EQ(parsed.reason, "no MessageSid");

  FormParams no_status = status_form("sent");
  std::erase_if(no_status, [](const auto& p) { return p.first == "MessageStatus"; });
  EXPECT_EQ(twilio.parse_status(signed_callback(no_status)).error, CallbackError::malformed);
}

// Found by twilio_webhook_fuzz: the reason quoted the status's first 32 bytes as they were,
// so a cut multi-byte character or bytes that are not UTF-8 made it invalid UTF-8, which
// the JSON answer and the log line carry.
TEST(AdaptersTwilioStatus, ReasonQuotingTheStatusStaysValidUtf8) {
  const TwilioGateway twilio = gateway();
  // 31 letters and an é: the first 32 bytes end inside the é.
  auto parsed = twilio.parse_status(signed_callback(status_form(std::string(31, 'x') + "é")));
  EXPECT_EQ(parsed.error, CallbackError::malformed);
  EXPECT_EQ(parsed.reason, "unknown MessageStatus \"" + std::string(31, 'x') + "?\"");
  EXPECT_TRUE(members::is_valid_utf8(parsed.reason)) << parsed.reason;
  parsed = twilio.parse_status(signed_callback(status_form("d\xe9livr\xe9")));  // Latin-1
  EXPECT_EQ(parsed.reason, "unknown MessageStatus \"d?livr?\"");
}

TEST(AdaptersTwilioInbound, ReadsTheReply) {
  const std::string url = "https://tocsin.example.org/hooks/twilio/tw1/inbound";
  const FormParams form = {{"ToCountry", "CA"},      {"SmsMessageSid", "SMin1"},
                           {"NumMedia", "0"},        {"Body", "OUI BUS « Sherbrooke »"},
                           {"From", "+18195551234"}, {"To", "+15145550100"},
                           {"MessageSid", "SMin1"},  {"AccountSid", kSid},
                           {"NumSegments", "1"},     {"ApiVersion", "2010-04-01"}};
  const auto parsed = gateway().parse_inbound(signed_callback(form, url));
  ASSERT_TRUE(parsed) << parsed.reason;
  EXPECT_EQ(parsed.value->from, "+18195551234");
  EXPECT_EQ(parsed.value->to, "+15145550100");
  EXPECT_EQ(parsed.value->text, "OUI BUS « Sherbrooke »");
  EXPECT_EQ(parsed.value->provider_message_id, "SMin1");
}

TEST(AdaptersTwilioInbound, ForgedOrIncompleteIsRefused) {
  const std::string url = "https://tocsin.example.org/hooks/twilio/tw1/inbound";
  const FormParams form = {{"Body", "STOP"}, {"From", "+18195551234"}, {"MessageSid", "SM9"}};
  CallbackRequest forged = signed_callback(form, url, "not-the-token");
  EXPECT_EQ(gateway().parse_inbound(forged).error, CallbackError::forged);
  CallbackRequest no_from = signed_callback({{"Body", "STOP"}, {"MessageSid", "SM9"}}, url);
  EXPECT_EQ(gateway().parse_inbound(no_from).error, CallbackError::malformed);
  CallbackRequest no_body = signed_callback({{"From", "+18195551234"}}, url);
  EXPECT_EQ(gateway().parse_inbound(no_body).error, CallbackError::malformed);
}

// --- factory -----------------------------------------------------------------------------

class AdaptersTwilioFactory : public ::testing::Test {
 protected:
  AdaptersTwilioFactory() { register_twilio_gateway(registry_); }

  // One twilio entry named tw1 with `fields` inside twilio { }, and http.public_url set.
  std::vector<std::unique_ptr<Gateway>> build(const std::string& fields) {
    errors_.clear();
    const std::string text = R"pb(http { public_url: "https://tocsin.example.org" }
                                  gateways { name: "tw1" rate_per_second: 30 twilio {)pb" +
                             fields + " } }";
    return registry_.build_all(config::parse_text(text, "test.textproto"), &errors_);
  }

  std::string only_error() {
    EXPECT_EQ(errors_.size(), 1u);
    return errors_.empty() ? "" : errors_.front();
  }

  GatewayRegistry registry_;
  std::vector<std::string> errors_;
};

constexpr char kGoodFields[] = R"pb(account_sid: "AC42"
                                    auth_token { inline: "tok" }
                                    from: "+15145550100")pb";

TEST_F(AdaptersTwilioFactory, BuildsWithDefaultsAndTheStatusCallbackUrl) {
  auto gateways = build(kGoodFields);
  ASSERT_EQ(gateways.size(), 1u) << only_error();
  const auto& twilio = dynamic_cast<const TwilioGateway&>(*gateways[0]);
  EXPECT_EQ(twilio.name(), "tw1");
  EXPECT_EQ(twilio.channel(), "sms");
  EXPECT_DOUBLE_EQ(twilio.rate_per_second(), 30);
  EXPECT_EQ(twilio.settings().base_url, "https://api.twilio.com");
  EXPECT_EQ(twilio.settings().auth_token, "tok");
  EXPECT_EQ(twilio.settings().timeout, 10000ms);
  EXPECT_EQ(twilio.settings().status_callback_url,
            "https://tocsin.example.org/hooks/twilio/tw1/status");
  EXPECT_EQ(twilio.messages_url(), "https://api.twilio.com/2010-04-01/Accounts/AC42/Messages.json");
}

TEST_F(AdaptersTwilioFactory, TakesBaseUrlAndTimeout) {
  auto gateways = build(std::string(kGoodFields) + R"pb(base_url: "http://127.0.0.1:8089/"
                                                        timeout_ms: 300)pb");
  ASSERT_EQ(gateways.size(), 1u) << only_error();
  const auto& twilio = dynamic_cast<const TwilioGateway&>(*gateways[0]);
  EXPECT_EQ(twilio.messages_url(), "http://127.0.0.1:8089/2010-04-01/Accounts/AC42/Messages.json");
  EXPECT_EQ(twilio.settings().timeout, 300ms);
}

TEST_F(AdaptersTwilioFactory, MissingAccountSid) {
  EXPECT_TRUE(build(R"pb(auth_token { inline: "tok" }
                         from: "+15145550100")pb")
                  .empty());
  EXPECT_EQ(only_error(), "gateways[0].twilio.account_sid: required");
  build(R"pb(account_sid: "AC/../x"
             auth_token { inline: "tok" }
             from: "+1")pb");
  EXPECT_EQ(only_error(),
            "gateways[0].twilio.account_sid: letters and digits only, got \"AC/../x\"");
}

TEST_F(AdaptersTwilioFactory, ExactlyOneSender) {
  EXPECT_TRUE(build(R"pb(account_sid: "AC42"
                         auth_token { inline: "tok" })pb")
                  .empty());
  EXPECT_EQ(only_error(),
            "gateways[0].twilio.from: required (or set messaging_service_sid instead)");
  EXPECT_TRUE(build(std::string(kGoodFields) + R"pb(messaging_service_sid: "MG1")pb").empty());
  EXPECT_EQ(only_error(),
            "gateways[0].twilio.from: set only one of from and messaging_service_sid");
  EXPECT_EQ(build(R"pb(account_sid: "AC42"
                       auth_token { inline: "tok" }
                       messaging_service_sid: "MG1")pb")
                .size(),
            1u);
}

TEST_F(AdaptersTwilioFactory, BadBaseUrl) {
  for (const std::string url :
       {"ftp://api.twilio.com", "api.twilio.com", "https://", "https://api.twilio.com/v1",
        "https://api.twilio.com?x=1", "https://user:pw@api.twilio.com"}) {
    SCOPED_TRACE(url);
    EXPECT_TRUE(build(std::string(kGoodFields) + " base_url: \"" + url + "\"").empty());
    EXPECT_EQ(only_error(),
              "gateways[0].twilio.base_url: expected http(s)://host[:port] with no path, got \"" +
                  url + "\"");
  }
}

TEST_F(AdaptersTwilioFactory, TimeoutOutOfRange) {
  build(std::string(kGoodFields) + " timeout_ms: 99");
  EXPECT_EQ(only_error(), "gateways[0].twilio.timeout_ms: must be between 100 and 120000, got 99");
  build(std::string(kGoodFields) + " timeout_ms: 120001");
  EXPECT_EQ(only_error(),
            "gateways[0].twilio.timeout_ms: must be between 100 and 120000, got 120001");
}

TEST_F(AdaptersTwilioFactory, UnreadableAuthTokenNamesTheField) {
  build(R"pb(account_sid: "AC42" from: "+15145550100")pb");
  EXPECT_EQ(only_error(),
            "gateways[0].twilio.auth_token: no source set; expected one of env, file, "
            "credential, inline");
  build(R"pb(account_sid: "AC42"
             from: "+1"
             auth_token { env: "TOCSIN_TEST_UNSET_TOKEN_9" })pb");
  EXPECT_EQ(only_error(),
            "gateways[0].twilio.auth_token: environment variable TOCSIN_TEST_UNSET_TOKEN_9 is "
            "not set");
}

}  // namespace
}  // namespace tocsin::adapters
