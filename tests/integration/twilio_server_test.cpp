// The Twilio-shaped test server (tests/support/twilio_server.h) against the daemon's real
// client parts: requests built by TwilioGateway::build, sent through io::CurlMulti on an
// io_context, answers read by TwilioGateway::classify, and the server's signed status
// callbacks checked by TwilioGateway::parse_status. Proves the server first, so the
// engine's tests and benchmarks can trust what it counts.

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "adapters/twilio/twilio_gateway.h"
#include "adapters/twilio/twilio_signature.h"
#include "http/message.h"
#include "io/curl_multi.h"
#include "tests/support/daemon_process.h"
#include "tests/support/epoll_http_server.h"
#include "tests/support/twilio_server.h"

namespace tocsin::testing {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using adapters::CallbackRequest;
using adapters::GatewayResponse;
using adapters::OutgoingMessage;
using adapters::TwilioGateway;
using adapters::TwilioSettings;
using dispatch::Outcome;
using dispatch::SendResult;
using Clock = std::chrono::steady_clock;

// Receives the server's status callbacks as the daemon's webhook would: every request is
// kept, with its headers and decoded form, and answered 204.
class CallbackReceiver {
 public:
  CallbackReceiver()
      : http_([this](const HttpExchange& exchange) {
          CallbackRequest request;
          request.method = std::string(exchange.method);
          request.public_url = url_prefix() + std::string(exchange.target);
          for (const auto& [name, value] : exchange.headers) {
            request.headers.emplace_back(std::string(name), std::string(value));
          }
          request.body = std::string(exchange.body);
          // The daemon's own decoding (a query string and a form body share the syntax).
          std::string path;
          std::multimap<std::string, std::string> fields;
          EXPECT_TRUE(http::parse_target("/?" + request.body, &path, &fields)) << request.body;
          request.form.assign(fields.begin(), fields.end());
          std::lock_guard lock(mutex_);
          requests_.push_back(std::move(request));
          HttpReply reply;
          reply.status = 204;
          return reply;
        }) {}

  std::string url_prefix() const { return "http://127.0.0.1:" + std::to_string(http_.port()); }
  std::string status_url() const { return url_prefix() + "/hooks/twilio/tw1/status"; }

  std::vector<CallbackRequest> requests() {
    std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  std::mutex mutex_;
  std::vector<CallbackRequest> requests_;
  EpollHttpServer http_;  // last: stopped before what its handler uses
};

OutgoingMessage sms(int i, std::string text = "Grève générale : assemblée à 19 h") {
  OutgoingMessage message;
  message.alert_id = "A7";
  message.member_id = "m-" + std::to_string(i);
  message.channel = "sms";
  message.to = "+1514555" + std::to_string(1000 + i);
  message.language = "fr";
  message.text = std::move(text);
  message.idempotency_key = "A7:m-" + std::to_string(i) + ":sms";
  return message;
}

asio::awaitable<void> send_one(io::CurlMulti& client, const TwilioGateway& gateway,
                               OutgoingMessage message, SendResult* result) {
  auto request = std::get<adapters::HttpRequest>(gateway.build(message));
  GatewayResponse response = co_await client.execute(std::move(request));
  *result = gateway.classify(message, response);
}

class TwilioServerTest : public ::testing::Test {
 protected:
  TwilioGateway gateway(std::string token = {}, std::chrono::milliseconds timeout = 5s) {
    TwilioSettings settings;
    settings.base_url = server_.base_url();
    settings.account_sid = server_.account_sid();
    settings.auth_token = token.empty() ? server_.auth_token() : token;
    settings.from = "+15145550100";
    settings.timeout = timeout;
    settings.status_callback_url = receiver_.status_url();
    return TwilioGateway("tw1", 100, std::move(settings));
  }

  // Sends every message at once through the shared client; the results, in order.
  std::vector<SendResult> send_all(const TwilioGateway& twilio,
                                   const std::vector<OutgoingMessage>& messages) {
    std::vector<SendResult> results(messages.size());
    for (size_t i = 0; i < messages.size(); ++i) {
      asio::co_spawn(io_, send_one(client_, twilio, messages[i], &results[i]),
                     [](std::exception_ptr error) {
                       if (error) ADD_FAILURE() << "a send coroutine threw";
                     });
    }
    io_.restart();
    io_.run_for(20s);
    EXPECT_TRUE(io_.stopped()) << "sends still pending after 20 s";
    return results;
  }

  SendResult send(const TwilioGateway& twilio, const OutgoingMessage& message) {
    return send_all(twilio, {message}).front();
  }

  asio::io_context io_;
  // Sixteen requests at a time, as a gateway with max_concurrency 16 would let out (the
  // client itself puts no cap on connections).
  io::CurlMulti client_{io_.get_executor(), io::CurlMultiOptions{.max_host_connections = 16}};
  CallbackReceiver receiver_;
  TwilioServer server_;
};

TEST_F(TwilioServerTest, HundredMessagesAreAcceptedRecordedAndCounted) {
  const TwilioGateway twilio = gateway();
  std::vector<OutgoingMessage> messages;
  const int64_t expires_at = std::chrono::duration_cast<std::chrono::seconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count() +
                             600;
  for (int i = 0; i < 100; ++i) {
    messages.push_back(sms(i));
    messages.back().expires_at_unix = expires_at;
  }
  const auto results = send_all(twilio, messages);

  std::set<std::string> sids;
  for (const SendResult& result : results) {
    EXPECT_EQ(result.outcome, Outcome::accepted) << result.reason;
    EXPECT_EQ(result.message_id.size(), 34u) << result.message_id;
    EXPECT_EQ(result.message_id.rfind("SM", 0), 0u);
    sids.insert(result.message_id);
  }
  EXPECT_EQ(sids.size(), 100u) << "every sid distinct";

  const auto received = server_.messages();
  ASSERT_EQ(received.size(), 100u);
  std::map<std::string, TwilioServer::Message> by_sid;
  for (const auto& message : received) by_sid.emplace(message.sid, message);
  for (size_t i = 0; i < messages.size(); ++i) {
    SCOPED_TRACE(i);
    ASSERT_TRUE(by_sid.contains(results[i].message_id));
    const auto& got = by_sid.at(results[i].message_id);
    EXPECT_EQ(got.to, messages[i].to);
    EXPECT_EQ(got.body, messages[i].text);
    EXPECT_EQ(got.from, "+15145550100");
    EXPECT_EQ(got.status_callback, receiver_.status_url());
    const int validity = std::stoi(got.validity_period);
    EXPECT_GE(validity, 595);
    EXPECT_LE(validity, 600);
    EXPECT_EQ(got.segments, 1);
  }
  EXPECT_EQ(server_.accepted(), 100u);
  EXPECT_EQ(server_.rejected(), 0u);
  EXPECT_EQ(server_.requests(), 100u);
  uint64_t counted = 0;
  for (uint64_t n : server_.messages_per_second()) counted += n;
  EXPECT_EQ(counted, 100u);
  // 100 requests, 16 at a time, on connections kept alive.
  EXPECT_LE(server_.connections_accepted(), 16u);
  EXPECT_GE(server_.connections_accepted(), 1u);
}

TEST_F(TwilioServerTest, ServerErrorModeIsTemporary) {
  server_.set_mode(TwilioServer::Mode::fail_500);
  const SendResult result = send(gateway(), sms(1));
  EXPECT_EQ(result.outcome, Outcome::temporary);
  EXPECT_EQ(result.reason, "twilio http 500 (code 20500)");
  EXPECT_EQ(server_.accepted(), 0u);

  server_.set_mode(TwilioServer::Mode::ok);
  EXPECT_EQ(send(gateway(), sms(1)).outcome, Outcome::accepted) << "recovers when told";
}

TEST_F(TwilioServerTest, OptedOutNumberGets21610) {
  server_.set_opted_out({sms(2).to});
  const auto results = send_all(gateway(), {sms(1), sms(2), sms(3)});
  EXPECT_EQ(results[0].outcome, Outcome::accepted);
  EXPECT_EQ(results[1].outcome, Outcome::opted_out);
  EXPECT_EQ(results[1].reason, "twilio 21610 recipient opted out (http 400)");
  EXPECT_EQ(results[2].outcome, Outcome::accepted);
  EXPECT_EQ(server_.accepted(), 2u);
}

TEST_F(TwilioServerTest, ThrottleModeIsThrottledWithRetryAfter) {
  server_.set_mode(TwilioServer::Mode::throttle_429, 1);
  SendResult result = send(gateway(), sms(1));
  EXPECT_EQ(result.outcome, Outcome::throttled);
  ASSERT_TRUE(result.retry_after.has_value());
  EXPECT_EQ(*result.retry_after, 1000ms);
  EXPECT_EQ(server_.rejected(), 1u);

  server_.set_mode(TwilioServer::Mode::throttle_429, 7);
  result = send(gateway(), sms(1));
  ASSERT_TRUE(result.retry_after.has_value());
  EXPECT_EQ(*result.retry_after, 7000ms);
}

TEST_F(TwilioServerTest, RateLimitThrottlesBeyondTheWindowAndCountsRejected) {
  server_.set_rate_limit(10);
  std::vector<OutgoingMessage> messages;
  for (int i = 0; i < 30; ++i) messages.push_back(sms(i));
  const auto results = send_all(gateway(), messages);
  uint64_t accepted = 0;
  uint64_t throttled = 0;
  for (const SendResult& result : results) {
    if (result.outcome == Outcome::accepted) {
      ++accepted;
    } else {
      EXPECT_EQ(result.outcome, Outcome::throttled) << result.reason;
      ASSERT_TRUE(result.retry_after.has_value());
      EXPECT_EQ(*result.retry_after, 1000ms);
      ++throttled;
    }
  }
  // 30 at once fit in one window, or in two if they straddle a second boundary.
  EXPECT_GE(accepted, 10u);
  EXPECT_LE(accepted, 20u);
  EXPECT_EQ(accepted + throttled, 30u);
  EXPECT_EQ(server_.rejected(), throttled);
  EXPECT_EQ(server_.accepted(), accepted);
  for (uint64_t segments : server_.segments_per_second()) EXPECT_LE(segments, 10u);
}

TEST_F(TwilioServerTest, RateLimitCountsSegments) {
  server_.set_rate_limit(4);
  // 200 GSM-7 characters make 2 segments (153 per part): 5 segments offered, 4 allowed.
  const auto results =
      send_all(gateway(), {sms(1, std::string(200, 'a')), sms(2, "b"), sms(3, "c"), sms(4, "d")});
  uint64_t recorded_segments = 0;
  for (const auto& message : server_.messages()) {
    EXPECT_EQ(message.segments, message.body.size() == 200 ? 2 : 1);
    recorded_segments += static_cast<uint64_t>(message.segments);
  }
  EXPECT_EQ(server_.accepted_segments(), recorded_segments);
  EXPECT_EQ(server_.accepted() + server_.rejected(), 4u);
  // Counted in messages, all four would fit in one window; in segments, no window holds 5.
  for (uint64_t segments : server_.segments_per_second()) EXPECT_LE(segments, 4u);
  for (const SendResult& result : results) {
    EXPECT_TRUE(result.outcome == Outcome::accepted || result.outcome == Outcome::throttled);
  }
}

// The request reached the provider, which never answered: it may have sent the SMS, so
// it must not be sent again (unconfirmed, not temporary).
TEST_F(TwilioServerTest, HangWithShortTimeoutIsUnconfirmed) {
  server_.set_mode(TwilioServer::Mode::hang);
  const auto started = Clock::now();
  const SendResult result = send(gateway({}, 300ms), sms(1));
  const auto elapsed = Clock::now() - started;
  EXPECT_EQ(result.outcome, Outcome::unconfirmed);
  EXPECT_EQ(result.reason, "twilio gave no answer in time after the request was sent");
  EXPECT_GE(elapsed, 300ms);
  EXPECT_LT(elapsed, 2s);
  EXPECT_EQ(server_.requests(), 1u) << "the request arrived; only the answer never came";
  EXPECT_EQ(server_.accepted(), 0u);
}

TEST_F(TwilioServerTest, WrongCredentialsCountAgainstTheGateway) {
  const SendResult result = send(gateway("not-the-token"), sms(1));
  EXPECT_EQ(result.outcome, Outcome::temporary);
  EXPECT_EQ(result.reason, "twilio 20003 credentials refused (http 401)");
  EXPECT_EQ(server_.accepted(), 0u);
}

TEST_F(TwilioServerTest, BadFieldsGetTwilioErrorCodes) {
  OutgoingMessage bad_number = sms(1);
  bad_number.to = "5145551234";
  const auto results = send_all(gateway(), {bad_number, sms(2, "")});
  EXPECT_EQ(results[0].outcome, Outcome::permanent);
  EXPECT_EQ(results[0].reason, "twilio 21211 invalid number (http 400)");
  EXPECT_EQ(results[1].outcome, Outcome::permanent);
  EXPECT_EQ(results[1].reason, "twilio 21602 body required (http 400)");
  EXPECT_EQ(server_.accepted(), 0u);
}

TEST_F(TwilioServerTest, StatusCallbacksAreSignedAndVerify) {
  server_.set_status_callbacks(true);
  const TwilioGateway twilio = gateway();
  const auto results = send_all(twilio, {sms(1), sms(2), sms(3)});
  std::set<std::string> sids;
  for (const auto& result : results) {
    ASSERT_EQ(result.outcome, Outcome::accepted) << result.reason;
    sids.insert(result.message_id);
  }
  ASSERT_TRUE(eventually([&] { return receiver_.requests().size() >= 6; }, 10s))
      << receiver_.requests().size() << " callbacks";

  std::map<std::string, std::vector<adapters::ReceiptState>> states;
  for (const CallbackRequest& request : receiver_.requests()) {
    EXPECT_EQ(request.method, "POST");
    EXPECT_EQ(request.public_url, receiver_.status_url());
    const auto parsed = twilio.parse_status(request);
    ASSERT_TRUE(parsed) << parsed.reason;
    EXPECT_TRUE(sids.contains(parsed.value->message_id));
    states[parsed.value->message_id].push_back(parsed.value->state);
  }
  ASSERT_EQ(states.size(), 3u);
  for (const auto& [sid, seen] : states) {
    EXPECT_EQ(seen, (std::vector{adapters::ReceiptState::sent, adapters::ReceiptState::delivered}))
        << sid;
  }
  for (const auto& callback : server_.callbacks()) EXPECT_EQ(callback.http_status, 204);

  // The same callback with its status changed, or checked with another token, is forged.
  CallbackRequest tampered = receiver_.requests().front();
  for (auto& [name, value] : tampered.form) {
    if (name == "MessageStatus") value = "failed";
  }
  EXPECT_EQ(twilio.parse_status(tampered).error, adapters::CallbackError::forged);
  EXPECT_EQ(gateway("other-token").parse_status(receiver_.requests().front()).error,
            adapters::CallbackError::forged);
}

TEST_F(TwilioServerTest, NoCallbacksUnlessAskedFor) {
  const SendResult quiet = send(gateway(), sms(1));
  ASSERT_EQ(quiet.outcome, Outcome::accepted);
  server_.set_status_callbacks(true);
  const SendResult heard = send(gateway(), sms(2));
  ASSERT_EQ(heard.outcome, Outcome::accepted);
  // Callbacks go out in the order messages were accepted: once the second message's two
  // have arrived, any for the first would have arrived before them.
  ASSERT_TRUE(eventually([&] { return receiver_.requests().size() >= 2; }, 10s));
  for (const auto& callback : server_.callbacks()) {
    EXPECT_EQ(callback.message_sid, heard.message_id);
  }
  EXPECT_EQ(receiver_.requests().size(), 2u);
}

}  // namespace
}  // namespace tocsin::testing
