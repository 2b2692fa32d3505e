// KannelGateway against a real Kannel (bearerbox, smsbox and fakesmsc, tests/support/
// kannel_harness.h), every request built by the adapter and sent through the daemon's
// io::CurlMulti on an io_context: texts reach the operator exactly once and intact in both
// codings, a dead smsbox reads as temporary and a restarted one is used again, delivery
// reports and replies come back to a listener here and the adapter reads them.

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <ctime>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "adapters/kannel/kannel_gateway.h"
#include "adapters/registry.h"
#include "alerts/sms_encoding.h"
#include "config/config.h"
#include "io/curl_multi.h"
#include "tests/support/daemon_process.h"
#include "tests/support/fakesmsc_output.h"
#include "tests/support/kannel_harness.h"

namespace tocsin::adapters {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using dispatch::Outcome;
using dispatch::SendResult;
using testing::eventually;
using testing::KannelHarness;

constexpr char kSecret[] = "kannel-hook-secret-0123";
constexpr char kSender[] = "+15145550100";
// In GSM-7: é, à, ' and # are all in the basic set.
constexpr char kGsmText[] = "Assemblée générale d'urgence dimanche à 10 h. Répondez OUI ou NON. #";
// — and Œ are not: the whole text goes as UCS-2.
constexpr char kUcs2Text[] = "Réponds OUI à l'assemblée — Œuvre n°";

// A small HTTP/1.1 listener standing in for the daemon's webhooks: records each request
// target, answers 200 "ok", keeps connections alive as Kannel's client expects.
class HookListener {
 public:
  HookListener() {
    listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (listener_ < 0 || ::bind(listener_, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
        ::listen(listener_, 64) != 0 ||
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      throw std::runtime_error("hook listener: cannot listen");
    }
    port_ = ntohs(address.sin_port);
    acceptor_ = std::thread([this] { accept_loop(); });
  }

  ~HookListener() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
      ::shutdown(listener_, SHUT_RDWR);
      for (int fd : connections_) ::shutdown(fd, SHUT_RDWR);
    }
    acceptor_.join();
    for (auto& thread : threads_) thread.join();
    for (int fd : connections_) ::close(fd);
    ::close(listener_);
  }

  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  // Targets ("/path?query") received so far whose path starts with `prefix`.
  std::vector<std::string> targets(const std::string& prefix) {
    std::lock_guard lock(mutex_);
    std::vector<std::string> out;
    for (const auto& target : targets_) {
      if (target.rfind(prefix, 0) == 0) out.push_back(target);
    }
    return out;
  }

 private:
  void accept_loop() {
    for (;;) {
      const int fd = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
      std::lock_guard lock(mutex_);
      if (stopping_) {
        if (fd >= 0) ::close(fd);
        return;
      }
      if (fd < 0) continue;
      connections_.push_back(fd);
      threads_.emplace_back([this, fd] { serve(fd); });
    }
  }

  // GET requests only (what Kannel sends): no body to read.
  void serve(int fd) {
    std::string buffer;
    char chunk[4096];
    for (;;) {
      size_t end;
      while ((end = buffer.find("\r\n\r\n")) == std::string::npos) {
        const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
        if (n <= 0) return;
        buffer.append(chunk, static_cast<size_t>(n));
      }
      const std::string line = buffer.substr(0, buffer.find("\r\n"));
      buffer.erase(0, end + 4);
      const size_t first = line.find(' ');
      const size_t last = line.rfind(' ');
      {
        std::lock_guard lock(mutex_);
        targets_.push_back(line.substr(first + 1, last - first - 1));
      }
      static constexpr char kOk[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
      if (::send(fd, kOk, sizeof kOk - 1, MSG_NOSIGNAL) <= 0) return;
    }
  }

  int listener_ = -1;
  uint16_t port_ = 0;
  std::thread acceptor_;
  std::mutex mutex_;
  bool stopping_ = false;
  std::vector<int> connections_;
  std::vector<std::thread> threads_;
  std::vector<std::string> targets_;
};

// A recorded target as the daemon's HTTP layer hands it to the adapter.
CallbackRequest callback_of(const std::string& base_url, const std::string& target) {
  CallbackRequest request;
  request.method = "GET";
  request.public_url = base_url + target;
  const size_t question = target.find('?');
  const std::string query = question == std::string::npos ? "" : target.substr(question + 1);
  size_t start = 0;
  while (start < query.size()) {
    size_t end = query.find('&', start);
    if (end == std::string::npos) end = query.size();
    const std::string pair = query.substr(start, end - start);
    const size_t equals = pair.find('=');
    request.query.emplace_back(
        testing::url_decode(pair.substr(0, equals)),
        equals == std::string::npos ? std::string() : testing::url_decode(pair.substr(equals + 1)));
    start = end + 1;
  }
  return request;
}

OutgoingMessage sms(const std::string& to, const std::string& text, const std::string& key) {
  OutgoingMessage message;
  message.alert_id = "A1";
  message.member_id = key;
  message.channel = "sms";
  message.to = to;
  message.language = "fr";
  message.text = text;
  message.idempotency_key = "A1:" + key + ":sms";
  return message;
}

// +1 514 600 0000 + i
std::string number(int i) {
  return "+1514600" + std::to_string(10000 + i).substr(1);
}

class KannelGatewayTest : public ::testing::Test {
 protected:
  KannelGatewayTest()
      : kannel_(KannelHarness::Options{hooks_.base_url() +
                                       "/hooks/kannel/k1/inbound?secret=" + std::string(kSecret) +
                                       "&from=%p&to=%P&text=%a&ts=%T&id=%I"}) {
    // Through the registry, as the daemon builds it.
    register_kannel_gateway(registry_);
    const std::string text = "http { public_url: \"" + hooks_.base_url() + "\" }\n" +
                             "gateways { name: \"k1\" rate_per_second: 100 kannel { " +
                             "sendsms_url: \"" + kannel_.sendsms_url() + "\" username: \"" +
                             kannel_.username() + "\" password { inline: \"" + kannel_.password() +
                             "\" } from: \"" + kSender + "\" webhook_secret { inline: \"" +
                             kSecret + "\" } } }";
    std::vector<std::string> errors;
    auto gateways = registry_.build_all(config::parse_text(text, "kannel.textproto"), &errors);
    if (gateways.size() != 1) throw std::runtime_error("kannel gateway: " + errors.at(0));
    gateway_ = std::move(gateways.front());
  }

  // Sends every message at once through one CurlMulti (kept across calls, like the
  // daemon's), and classifies each answer.
  std::vector<SendResult> send_all(const std::vector<OutgoingMessage>& messages) {
    std::vector<SendResult> results(messages.size());
    for (size_t i = 0; i < messages.size(); ++i) {
      asio::co_spawn(
          io_,
          [this, &messages, &results, i]() -> asio::awaitable<void> {
            auto request = std::get<HttpRequest>(gateway_->build(messages[i]));
            const GatewayResponse response = co_await client_.execute(std::move(request));
            results[i] = gateway_->classify(messages[i], response);
          },
          [](std::exception_ptr error) {
            if (error) ADD_FAILURE() << "a send coroutine threw";
          });
    }
    io_.restart();
    io_.run_for(60s);
    EXPECT_TRUE(io_.stopped()) << "sends still pending after 60 s";
    return results;
  }

  std::vector<OutgoingMessage> numbered(int count, const std::string& text, int first = 0) {
    std::vector<OutgoingMessage> messages;
    // With an expiry, so Kannel also takes the validity parameter the adapter adds.
    const int64_t in_an_hour = std::time(nullptr) + 3600;
    for (int i = first; i < first + count; ++i) {
      messages.push_back(sms(number(i), text + std::to_string(i), "m" + std::to_string(i)));
      messages.back().expires_at_unix = in_an_hour;
    }
    return messages;
  }

  // Every message reached fakesmsc once, with its exact text, from our sender; and
  // nothing else did (the bearerbox counted as many messages out as fakesmsc got).
  void expect_received_exactly(const std::vector<OutgoingMessage>& sent, bool ucs2) {
    ASSERT_TRUE(kannel_.wait_for_messages(sent.size(), 30s))
        << kannel_.received().size() << " of " << sent.size() << "\n"
        << kannel_.logs();
    ASSERT_TRUE(eventually(
        [&] {
          return kannel_.bearerbox_messages_sent() ==
                 static_cast<long>(kannel_.received().size());
        },
        10s))
        << "bearerbox sent " << kannel_.bearerbox_messages_sent() << ", fakesmsc got "
        << kannel_.received().size();
    const auto received = kannel_.received();
    EXPECT_EQ(received.size(), sent.size());
    std::map<std::string, std::vector<testing::FakesmscMessage>> by_number;
    for (const auto& message : received) by_number[message.to].push_back(message);
    for (const auto& message : sent) {
      SCOPED_TRACE(message.to);
      const auto& got = by_number[message.to];
      ASSERT_EQ(got.size(), 1u);
      EXPECT_EQ(got[0].text, message.text);
      EXPECT_EQ(got[0].from, kSender);
      EXPECT_EQ(got[0].ucs2, ucs2);
    }
  }

  std::string all_targets() {
    std::string out = "hook calls:\n";
    for (const auto& target : hooks_.targets("")) out += "  " + target + "\n";
    return out;
  }

  HookListener hooks_;
  KannelHarness kannel_;
  GatewayRegistry registry_;
  std::unique_ptr<Gateway> gateway_;
  asio::io_context io_;
  // Sixteen requests at a time, as a gateway with max_concurrency 16 would let out (the
  // client itself puts no cap on connections).
  io::CurlMulti client_{io_.get_executor(), io::CurlMultiOptions{.max_host_connections = 16}};
};

TEST_F(KannelGatewayTest, FiftyGsmTextsArriveOnceEachWithTheirExactText) {
  const auto messages = numbered(50, kGsmText);
  const auto results = send_all(messages);
  std::set<std::string> ids;
  for (size_t i = 0; i < results.size(); ++i) {
    EXPECT_EQ(results[i].outcome, Outcome::accepted) << i << ": " << results[i].reason;
    EXPECT_EQ(results[i].message_id, kannel_message_id(messages[i].idempotency_key));
    ids.insert(results[i].message_id);
  }
  EXPECT_EQ(ids.size(), 50u);
  expect_received_exactly(messages, false);
  EXPECT_EQ(kannel_.segments_received(), 50u);
  // Fifty requests, a handful of connections: Kannel's keep-alive is used.
  EXPECT_LE(client_.connections_opened(), 16u);
}

TEST_F(KannelGatewayTest, FiftyUcs2TextsKeepTheirFrenchAccents) {
  const auto messages = numbered(50, kUcs2Text);
  for (const auto& result : send_all(messages)) {
    EXPECT_EQ(result.outcome, Outcome::accepted) << result.reason;
  }
  // ucs2: they went out as UCS-2 ("ucs-2" lines), which proves coding=2 with charset=UTF-8
  // was converted by Kannel, and decoding them gives the UTF-8 we sent.
  expect_received_exactly(messages, true);
}

TEST_F(KannelGatewayTest, LongTextsArriveWholeFromTheirParts) {
  std::string gsm;
  std::string ucs2;
  while (gsm.size() < 400) gsm += "Assemblée générale dimanche à 10 h, autobus à 8 h. ";
  while (ucs2.size() < 250) ucs2 += "Réponds OUI — Œuvre ";
  const std::vector<OutgoingMessage> messages = {sms(number(1), gsm, "long-gsm"),
                                                 sms(number(2), ucs2, "long-ucs2")};
  for (const auto& result : send_all(messages)) {
    EXPECT_EQ(result.outcome, Outcome::accepted) << result.reason;
  }
  ASSERT_TRUE(kannel_.wait_for_messages(2, 30s)) << kannel_.logs();
  std::map<std::string, testing::FakesmscMessage> by_number;
  for (const auto& message : kannel_.received()) by_number[message.to] = message;
  // Kannel cuts them where alerts::measure_sms counts: what the preview prices is what
  // goes on the air.
  EXPECT_EQ(by_number[number(1)].text, gsm);
  EXPECT_EQ(by_number[number(1)].segments, 3);
  EXPECT_EQ(alerts::measure_sms(gsm).segments, 3u);
  EXPECT_FALSE(by_number[number(1)].ucs2);
  EXPECT_EQ(by_number[number(2)].text, ucs2);
  EXPECT_EQ(by_number[number(2)].segments, 4);
  EXPECT_EQ(alerts::measure_sms(ucs2).segments, 4u);
  EXPECT_TRUE(by_number[number(2)].ucs2);
}

TEST_F(KannelGatewayTest, DeadSmsboxIsTemporaryAndARestartedOneIsUsedAgain) {
  // The client's connections to the smsbox are warm, as in a running daemon.
  for (const auto& result : send_all(numbered(3, kGsmText))) {
    EXPECT_EQ(result.outcome, Outcome::accepted) << result.reason;
  }
  kannel_.kill_smsbox();
  for (const auto& result : send_all(numbered(5, kGsmText, 10))) {
    EXPECT_EQ(result.outcome, Outcome::temporary);
    EXPECT_NE(result.reason.find("kannel connection failed"), std::string::npos) << result.reason;
    EXPECT_TRUE(result.message_id.empty());
  }
  kannel_.start_smsbox();
  const auto again = numbered(5, kGsmText, 20);
  for (const auto& result : send_all(again)) {
    EXPECT_EQ(result.outcome, Outcome::accepted) << result.reason;
  }
  ASSERT_TRUE(kannel_.wait_for_messages(8, 30s)) << kannel_.logs();
  std::set<std::string> numbers;
  for (const auto& message : kannel_.received()) numbers.insert(message.to);
  EXPECT_EQ(numbers.size(), 8u);
  for (const auto& message : again) EXPECT_TRUE(numbers.contains(message.to)) << message.to;
  for (int i = 10; i < 15; ++i) EXPECT_FALSE(numbers.contains(number(i))) << number(i);
}

TEST_F(KannelGatewayTest, DeliveryReportsComeBackToTheDlrUrlAndAreRead) {
  std::string two_parts;
  while (two_parts.size() < 200) two_parts += "Autobus à 8 h devant le local. ";
  const std::vector<OutgoingMessage> messages = {sms(number(1), "Bonjour, OUI ou NON?", "d1"),
                                                 sms(number(2), kUcs2Text, "d2"),
                                                 sms(number(3), two_parts, "d3")};
  for (const auto& result : send_all(messages)) {
    EXPECT_EQ(result.outcome, Outcome::accepted) << result.reason;
  }
  // Per message, concatenated or not: a type 8 from the bearerbox and a type 1 from the
  // fake centre.
  ASSERT_EQ(alerts::measure_sms(two_parts).segments, 2u);
  const std::string prefix = "/hooks/kannel/k1/dlr?";
  ASSERT_TRUE(eventually([&] { return hooks_.targets(prefix).size() >= 6; }, 30s))
      << all_targets() << kannel_.logs();

  std::map<std::string, std::multiset<ReceiptState>> states;
  for (const auto& target : hooks_.targets(prefix)) {
    const CallbackRequest request = callback_of(hooks_.base_url(), target);
    const auto parsed = gateway_->parse_status(request);
    ASSERT_TRUE(parsed) << target << ": " << parsed.reason;
    states[parsed.value->message_id].insert(parsed.value->state);
    if (parsed.value->state == ReceiptState::sent) {
      // %A of an "accepted by the SMSC" report with the fake centre.
      bool has_ack = false;
      for (const auto& [key, value] : request.query)
        has_ack |= key == "smsc_reply" && value == "ACK/";
      EXPECT_TRUE(has_ack) << target;
    }
  }
  ASSERT_EQ(states.size(), 3u);
  for (const auto& message : messages) {
    const std::string id = kannel_message_id(message.idempotency_key);
    SCOPED_TRACE(id);
    EXPECT_EQ(states[id].count(ReceiptState::sent), 1u);
    EXPECT_EQ(states[id].count(ReceiptState::delivered), 1u);
    EXPECT_EQ(states[id].size(), 2u);
  }

  // The same report with any other secret is refused.
  CallbackRequest forged = callback_of(hooks_.base_url(), hooks_.targets(prefix).front());
  for (auto& [key, value] : forged.query) {
    if (key == "secret") value = "kannel-hook-secret-0124";
  }
  EXPECT_EQ(gateway_->parse_status(forged).error, CallbackError::forged);
}

TEST_F(KannelGatewayTest, MobileOriginatedReplyReachesTheInboundUrl) {
  kannel_.send_mo("+15145550123", kSender, "Oui bus été ’ merci");
  kannel_.send_mo("+15145550124", kSender, "ARRÊT");
  const std::string prefix = "/hooks/kannel/k1/inbound?";
  ASSERT_TRUE(eventually([&] { return hooks_.targets(prefix).size() >= 2; }, 30s))
      << all_targets() << kannel_.logs();
  std::map<std::string, InboundMessage> by_sender;
  for (const auto& target : hooks_.targets(prefix)) {
    const auto parsed = gateway_->parse_inbound(callback_of(hooks_.base_url(), target));
    ASSERT_TRUE(parsed) << target << ": " << parsed.reason;
    by_sender[parsed.value->from] = *parsed.value;
  }
  ASSERT_EQ(by_sender.size(), 2u);
  EXPECT_EQ(by_sender["+15145550123"].text, "Oui bus été ’ merci");
  EXPECT_EQ(by_sender["+15145550123"].to, kSender);
  EXPECT_FALSE(by_sender["+15145550123"].provider_message_id.empty());
  EXPECT_EQ(by_sender["+15145550124"].text, "ARRÊT");
  // Kannel answered nothing of its own (sms-service max-messages = 0).
  EXPECT_EQ(kannel_.segments_received(), 0u);
}

}  // namespace
}  // namespace tocsin::adapters
