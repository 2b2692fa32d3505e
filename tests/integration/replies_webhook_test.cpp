// The reply webhooks (issue 6) against a real tocsind and redis-server: a Twilio inbound SMS
// (signed) and a Kannel MO call (with our secret) are stored in q:replies as they came; a
// webhook the provider repeats is stored once; a forged or unsigned one gets 403 and
// stores nothing; a body over the limit gets 413.

#include <curl/curl.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "adapters/twilio/twilio_signature.h"
#include "tests/support/daemon_process.h"
#include "tests/support/http_client.h"
#include "tests/support/redis_server.h"
#include "tests/support/redis_sync.h"

namespace tocsin {
namespace {

using testing::DaemonProcess;
using testing::http_request;

constexpr char kAuthToken[] = "twilio-inbound-token";
constexpr char kKannelSecret[] = "kannel-inbound-secret-1";

std::string escaped(const std::string& text) {
  char* out = curl_easy_escape(nullptr, text.data(), static_cast<int>(text.size()));
  std::string result(out);
  curl_free(out);
  return result;
}

std::string form(const adapters::twilio::FormParams& params) {
  std::string body;
  for (const auto& [name, value] : params) {
    if (!body.empty()) body += '&';
    body += escaped(name) + "=" + escaped(value);
  }
  return body;
}

class RepliesWebhook : public ::testing::Test {
 protected:
  RepliesWebhook() {
    // These tests look at what the webhook stored; the daemon's reply worker would read and
    // delete it at once. Its consumer group is made here first, starting after every id
    // these tests can store, so the worker (which finds the group there) never sees them.
    redis_sync_ = std::make_unique<testing::RedisSync>(redis_.port());
    redis_sync_->command({"XGROUP", "CREATE", "q:replies", "replies", "9999999999999-0",
                          "MKSTREAM"});
    DaemonProcess::Options options;
    options.redis_url = redis_.url();
    options.extra_config =
        std::string("gateways { name: \"tw\" twilio { base_url: \"http://127.0.0.1:9\" "
                    "account_sid: \"AC00000000000000000000000000000042\" auth_token { inline: \"") +
        kAuthToken +
        "\" } from: \"+15145550100\" } }\n"
        "gateways { name: \"kn\" kannel { sendsms_url: \"http://127.0.0.1:9/cgi-bin/sendsms\" "
        "username: \"u\" password { inline: \"p\" } webhook_secret { inline: \"" +
        kKannelSecret + "\" } } }\n";
    daemon_ = std::make_unique<DaemonProcess>(options);
    EXPECT_TRUE(testing::eventually(
        [&] { return testing::http_get(daemon_->base_url() + "/readyz").status == 200; },
        std::chrono::seconds(10)));
  }

  // POSTs a Twilio inbound SMS to our webhook, signed with `token`.
  testing::HttpResponse post_twilio(const adapters::twilio::FormParams& params,
                                    const std::string& token = kAuthToken) {
    const std::string url = daemon_->base_url() + "/hooks/twilio/tw/inbound";
    return http_request("POST", url, form(params),
                        {"Content-Type: application/x-www-form-urlencoded",
                         "X-Twilio-Signature: " +
                             adapters::twilio::twilio_signature(token, url, params)});
  }

  // The stored replies, each as field -> value.
  std::vector<std::map<std::string, std::string>> stored() {
    std::vector<std::map<std::string, std::string>> entries;
    const auto reply = redis_sync_->command({"XRANGE", "q:replies", "-", "+"});
    for (const auto& entry : reply.elements) {
      std::map<std::string, std::string> fields;
      const auto& pairs = entry.elements.at(1).elements;
      for (size_t i = 0; i + 1 < pairs.size(); i += 2) fields[pairs[i].str] = pairs[i + 1].str;
      entries.push_back(std::move(fields));
    }
    return entries;
  }

  testing::RedisServer redis_;
  std::unique_ptr<DaemonProcess> daemon_;
  std::unique_ptr<testing::RedisSync> redis_sync_;
};

TEST_F(RepliesWebhook, SignedTwilioReplyIsStoredOnceAndAnsweredWithEmptyTwiml) {
  const adapters::twilio::FormParams params = {{"MessageSid", "SM0123456789abcdef0123456789abcdef"},
                                               {"From", "+15145551234"},
                                               {"To", "+15145550100"},
                                               {"Body", "Oui A7, BUS 2 ✊"}};
  auto answer = post_twilio(params);
  ASSERT_EQ(answer.status, 200) << answer.body;
  EXPECT_NE(answer.body.find("<Response></Response>"), std::string::npos) << answer.body;
  // Twilio repeats a webhook it thinks failed: stored once.
  ASSERT_EQ(post_twilio(params).status, 200);

  const auto entries = stored();
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].at("gateway"), "tw");
  EXPECT_EQ(entries[0].at("from"), "+15145551234");
  EXPECT_EQ(entries[0].at("to"), "+15145550100");
  EXPECT_EQ(entries[0].at("text"), "Oui A7, BUS 2 ✊");
  EXPECT_EQ(entries[0].at("provider_id"), "SM0123456789abcdef0123456789abcdef");
  EXPECT_FALSE(entries[0].at("received_at_ms").empty());
}

TEST_F(RepliesWebhook, ForgedOrUnsignedTwilioReplyGets403AndStoresNothing) {
  const adapters::twilio::FormParams params = {
      {"MessageSid", "SM1"}, {"From", "+15145551234"}, {"To", "+15145550100"}, {"Body", "STOP"}};
  EXPECT_EQ(post_twilio(params, "not-the-token").status, 403);
  EXPECT_EQ(http_request("POST", daemon_->base_url() + "/hooks/twilio/tw/inbound", form(params),
                         {"Content-Type: application/x-www-form-urlencoded"})
                .status,
            403);
  EXPECT_TRUE(stored().empty());
}

TEST_F(RepliesWebhook, KannelReplyWithTheSecretIsStoredAndWithoutItRefused) {
  const std::string base = daemon_->base_url() + "/hooks/kannel/kn/inbound?";
  const std::string query =
      "from=%2B15145551234&to=%2B15145550100&text=" + escaped("Non, pas de bus") + "&id=42";
  EXPECT_EQ(http_request("GET", base + "secret=wrong&" + query, "").status, 403);
  EXPECT_EQ(http_request("GET", base + query, "").status, 403);
  EXPECT_TRUE(stored().empty());

  auto answer = http_request("GET", base + "secret=" + kKannelSecret + "&" + query, "");
  ASSERT_EQ(answer.status, 200) << answer.body;
  // Kannel's sms-service sends the answer's body back to the member unless it is empty.
  EXPECT_TRUE(answer.body.empty());
  const auto entries = stored();
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].at("gateway"), "kn");
  EXPECT_EQ(entries[0].at("from"), "+15145551234");
  EXPECT_EQ(entries[0].at("text"), "Non, pas de bus");
}

TEST_F(RepliesWebhook, OversizedBodyGets413AndStoresNothing) {
  const adapters::twilio::FormParams params = {{"MessageSid", "SM2"},
                                               {"From", "+15145551234"},
                                               {"To", "+15145550100"},
                                               {"Body", std::string(40 * 1024, 'x')}};
  EXPECT_EQ(post_twilio(params).status, 413);
  EXPECT_TRUE(stored().empty());
}

TEST_F(RepliesWebhook, MissingFieldsGet400) {
  EXPECT_EQ(post_twilio({{"MessageSid", "SM3"}, {"To", "+15145550100"}, {"Body", "OUI"}}).status,
            400);
  EXPECT_TRUE(stored().empty());
}

}  // namespace
}  // namespace tocsin
