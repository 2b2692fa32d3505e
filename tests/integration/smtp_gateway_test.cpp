// The smtp gateway end to end without the daemon: messages built by SmtpGateway (made by
// its factory from a config entry), sent by io::CurlMulti to a real SMTP server
// (aiosmtpd, tests/support/smtp_sink.py), then read back with Python's email package
// (tests/support/parse_email.py), an independent decoder, and classified.

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "adapters/registry.h"
#include "adapters/smtp/smtp_gateway.h"
#include "config/config.h"
#include "io/curl_multi.h"
#include "tests/support/ports.h"
#include "tests/support/smtp_sink.h"
#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_certificate.h"

namespace tocsin::adapters {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using dispatch::Outcome;
using google::protobuf::Struct;
using google::protobuf::Value;

// extra_fields: more SmtpGatewayConfig fields in text format (TLS, AUTH).
std::unique_ptr<Gateway> make_gateway(const std::string& url,
                                      const std::string& extra_fields = "") {
  GatewayRegistry registry;
  register_smtp_gateway(registry);
  std::vector<std::string> errors;
  // Plain strings, not a pb raw string: clang-format would reflow the URL's quotes.
  const std::string text = "gateways { name: \"mail\" rate_per_second: 50 smtp { url: \"" + url +
                           "\" from: \"Syndicat de l’Estrie <mobilisation@syndicat.qc.ca>\" " +
                           extra_fields + " } }";
  auto gateways = registry.build_all(config::parse_text(text, "test.textproto"), &errors);
  EXPECT_TRUE(errors.empty()) << errors.front();
  return gateways.empty() ? nullptr : std::move(gateways[0]);
}

// What parse_email.py says about each file, in order.
std::vector<Struct> parse_with_python(const std::vector<std::filesystem::path>& files) {
  testing::Subprocess::Options spawn;
  spawn.argv = {"/usr/bin/python3",
                std::string(TOCSIN_SOURCE_DIR) + "/tests/support/parse_email.py"};
  for (const auto& file : files) spawn.argv.push_back(file.string());
  testing::Subprocess python(spawn);
  EXPECT_EQ(python.wait_for_exit(30s), 0) << python.stderr_text();
  Struct output;
  const auto status = google::protobuf::util::JsonStringToMessage(python.stdout_text(), &output);
  EXPECT_TRUE(status.ok()) << status.ToString() << "\n" << python.stdout_text();
  std::vector<Struct> messages;
  for (const Value& message : output.fields().at("messages").list_value().values()) {
    messages.push_back(message.struct_value());
  }
  return messages;
}

std::string text(const Struct& object, const std::string& key) {
  auto it = object.fields().find(key);
  return it == object.fields().end() ? "<missing>" : it->second.string_value();
}

std::vector<std::string> strings(const Struct& object, const std::string& key) {
  std::vector<std::string> out;
  auto it = object.fields().find(key);
  if (it == object.fields().end()) return out;
  for (const Value& value : it->second.list_value().values()) out.push_back(value.string_value());
  return out;
}

const char* const kFirstNames[] = {"Zoé",    "Hélène", "François", "Noémie", "Jérôme",
                                   "Maëlle", "Anaïs",  "Loïc",     "Chloé",  "Benoît"};

OutgoingMessage member_email(int i) {
  OutgoingMessage message;
  const std::string member = "m-" + std::to_string(1000 + i);
  const std::string name = kFirstNames[i % 10];
  message.alert_id = "A7";
  message.member_id = member;
  message.channel = "email";
  message.to = "membre." + std::to_string(i) + "@exemple.qc.ca";
  message.language = i % 4 == 3 ? "en" : "fr";
  message.rsvp_link = "https://tocsin.syndicat.qc.ca/r/Tk" + std::to_string(7000 + i);
  if (message.language == "fr") {
    message.email_subject = "Grève : assemblée d’urgence dimanche à 7 h, " + name + " ✊🏽";
    message.text = "Bonjour " + name +
                   ",\n\nL’assemblée générale extraordinaire a lieu "
                   "dimanche à 7 h à l’aréna de Sherbrooke. « Soyez-y » : ça compte !\n"
                   "Répondez OUI, NON ou PEUT-ÊTRE : " +
                   message.rsvp_link + "\n";
  } else {
    message.email_subject = "Emergency assembly on Sunday, 7:00 a.m. — " + name;
    message.text = "Hello " + name +
                   ",\n\nThe emergency general assembly is on Sunday at "
                   "7:00 a.m. at the Sherbrooke arena.\nAnswer here: " +
                   message.rsvp_link + "\n";
  }
  if (i == 5) {
    // Lines SMTP treats specially (libcurl dot-stuffs; "From " would be mangled by mbox),
    // and one long paragraph.
    message.text += ".\n.. deux points\nFrom the executive: merci.\n\n";
    while (message.text.size() < 6000) message.text += "Très longue phrase sans retour. ";
    message.text += "\n";
  }
  message.idempotency_key = "A7:" + member + ":email";
  message.alert_code = "A7";
  return message;
}

class SmtpGatewayTest : public ::testing::Test {
 protected:
  // Sends every message at once through one CurlMulti, and classifies the responses.
  std::vector<dispatch::SendResult> send_all(const Gateway& gateway, io::CurlMulti& client,
                                             const std::vector<OutgoingMessage>& messages) {
    std::vector<dispatch::SendResult> results(messages.size());
    size_t done = 0;
    for (size_t i = 0; i < messages.size(); ++i) {
      asio::co_spawn(
          io_,
          [&, i]() -> asio::awaitable<void> {
            GatewayRequest request = gateway.build(messages[i]);
            auto envelope = std::get<SmtpEnvelope>(std::move(request));
            const GatewayResponse response = co_await client.execute(std::move(envelope));
            results[i] = gateway.classify(messages[i], response);
            ++done;
          },
          [](std::exception_ptr error) {
            if (error) ADD_FAILURE() << "a sending coroutine threw";
          });
    }
    io_.run_for(60s);
    EXPECT_EQ(done, messages.size()) << "sends still pending";
    io_.restart();
    return results;
  }

  asio::io_context io_;
};

TEST_F(SmtpGatewayTest, TwentyMembersEachGetTheirEmailDecodedExactly) {
  testing::SmtpSink sink;
  auto gateway = make_gateway(sink.url());
  ASSERT_NE(gateway, nullptr);
  io::CurlMultiOptions options;
  options.max_host_connections = 4;  // 20 messages over at most 4 SMTP sessions
  io::CurlMulti client(io_.get_executor(), options);

  std::vector<OutgoingMessage> sent;
  for (int i = 0; i < 20; ++i) sent.push_back(member_email(i));
  const auto results = send_all(*gateway, client, sent);

  std::set<std::string> ids;
  std::map<std::string, std::string> id_by_address;
  for (size_t i = 0; i < results.size(); ++i) {
    EXPECT_EQ(results[i].outcome, Outcome::accepted) << i << ": " << results[i].reason;
    ids.insert(results[i].message_id);
    id_by_address[sent[i].to] = results[i].message_id;
  }
  EXPECT_EQ(ids.size(), 20u) << "Message-IDs are unique";
  EXPECT_EQ(client.transfers_started(), 20u);
  EXPECT_LE(client.connections_opened(), 4u) << "several messages per connection";
  RecordProperty("smtp_connections", static_cast<int>(client.connections_opened()));

  // No require_tls, no STARTTLS offered: in clear, as the sink's TLS tests rely on it seeing.
  EXPECT_EQ(sink.activity().mail_in_clear, 20);
  EXPECT_EQ(sink.activity().mail_connections.size(), client.connections_opened());

  const auto files = sink.message_files();
  ASSERT_EQ(files.size(), 20u);
  const auto received = parse_with_python(files);
  ASSERT_EQ(received.size(), 20u);
  std::map<std::string, Struct> by_recipient;
  for (const Struct& message : received) {
    const auto rcpt = strings(message, "rcpt");
    ASSERT_EQ(rcpt.size(), 1u);
    by_recipient[rcpt[0]] = message;
  }
  ASSERT_EQ(by_recipient.size(), 20u) << "one email per member";

  for (const OutgoingMessage& message : sent) {
    SCOPED_TRACE(message.to);
    ASSERT_TRUE(by_recipient.count(message.to));
    const Struct& got = by_recipient[message.to];
    EXPECT_EQ(text(got, "mail_from"), "mobilisation@syndicat.qc.ca");
    EXPECT_EQ(text(got, "subject"), message.email_subject);
    EXPECT_EQ(text(got, "plain"), message.text);
    EXPECT_EQ(text(got, "from_name"), "Syndicat de l’Estrie");
    EXPECT_EQ(text(got, "from_address"), "mobilisation@syndicat.qc.ca");
    EXPECT_EQ(text(got, "to"), message.to);
    EXPECT_EQ(text(got, "message_id"), "<" + id_by_address[message.to] + ">");
    EXPECT_TRUE(got.fields().at("date_ok").bool_value());
    EXPECT_EQ(text(got, "mime_version"), "1.0");
    EXPECT_EQ(text(got, "content_language"), message.language);
    EXPECT_EQ(text(got, "auto_submitted"), "auto-generated");
    EXPECT_EQ(text(got, "content_type"), "multipart/alternative");
    EXPECT_EQ(strings(got, "alternatives"), (std::vector<std::string>{"text/plain", "text/html"}));
    EXPECT_EQ(strings(got, "charsets"), (std::vector<std::string>{"utf-8", "utf-8"}));
    const std::string html = text(got, "html");
    EXPECT_NE(html.find("<html lang=\"" + message.language + "\">"), std::string::npos);
    EXPECT_NE(html.find("<a href=\"" + message.rsvp_link + "\">"), std::string::npos);
    EXPECT_NE(html.find(kFirstNames[std::stoi(message.member_id.substr(2)) % 10]),
              std::string::npos);
    EXPECT_EQ(
        text(got, "list_unsubscribe"),
        "<mailto:mobilisation@syndicat.qc.ca?subject=unsubscribe>, <" + message.rsvp_link + ">");
    EXPECT_EQ(text(got, "list_unsubscribe_post"), "List-Unsubscribe=One-Click");
    EXPECT_TRUE(strings(got, "defects").empty()) << strings(got, "defects").front();
    EXPECT_LE(got.fields().at("longest_line").number_value(), 998);
    EXPECT_EQ(got.fields().at("bare_line_feeds").number_value(), 0);
  }
}

TEST_F(SmtpGatewayTest, ARefusedRecipientIsPermanentAndTheNextOneGoesThrough) {
  testing::SmtpSink sink;
  auto gateway = make_gateway(sink.url());
  ASSERT_NE(gateway, nullptr);
  io::CurlMulti client(io_.get_executor());
  OutgoingMessage refused = member_email(1);
  refused.to = "reject.me@exemple.qc.ca";  // smtp_sink.py answers 550 5.1.1
  const auto first = send_all(*gateway, client, {refused});
  const auto second = send_all(*gateway, client, {member_email(2)});
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].outcome, Outcome::permanent);
  EXPECT_EQ(first[0].reason, "SMTP 550 5.1.1");
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].outcome, Outcome::accepted) << second[0].reason;
  ASSERT_EQ(sink.message_files().size(), 1u);
}

TEST_F(SmtpGatewayTest, NoServerIsTemporary) {
  auto gateway = make_gateway("smtp://127.0.0.1:" + std::to_string(testing::free_tcp_port()));
  ASSERT_NE(gateway, nullptr);
  io::CurlMulti client(io_.get_executor());
  const auto results = send_all(*gateway, client, {member_email(0)});
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].outcome, Outcome::temporary);
  EXPECT_EQ(results[0].reason, "SMTP transport: Couldn't connect to server");
}

TEST_F(SmtpGatewayTest, AnInvalidAddressNeverReachesTheServer) {
  testing::SmtpSink sink;
  auto gateway = make_gateway(sink.url());
  ASSERT_NE(gateway, nullptr);
  io::CurlMulti client(io_.get_executor());
  OutgoingMessage bad = member_email(0);
  bad.to = "membre.0@exemple.qc.ca>\r\nRCPT TO:<intrus@exemple.qc.ca";
  const auto results = send_all(*gateway, client, {bad});
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].outcome, Outcome::permanent);
  EXPECT_EQ(results[0].reason.rfind("invalid recipient address", 0), 0u) << results[0].reason;
  EXPECT_EQ(client.connections_opened(), 0u);
  EXPECT_TRUE(sink.message_files().empty());
}

// --- STARTTLS and AUTH ------------------------------------------------------------------

// A sink that requires STARTTLS (with a certificate made for this test) and AUTH, and the
// config fields of a gateway that trusts that certificate.
class SmtpGatewayTlsTest : public SmtpGatewayTest {
 protected:
  SmtpGatewayTlsTest() : certificate_(testing::make_test_certificate(dir_.path())) {}

  testing::SmtpSink::Options secured_sink() const {
    return {.tls_certificate = certificate_.certificate,
            .tls_key = certificate_.private_key,
            .username = "tocsin",
            .password = "Gr\xC3\xA8ve-2025"};
  }

  std::string tls_fields(const std::string& password) const {
    return "require_tls: true ca_file: \"" + certificate_.certificate.string() +
           "\" username: \"tocsin\" password { inline: \"" + password + "\" }";
  }

  testing::TempDir dir_{"tocsin-smtp-tls"};
  testing::TestCertificate certificate_;
};

TEST_F(SmtpGatewayTlsTest, StarttlsAndAuthCarryEveryMessageEncrypted) {
  testing::SmtpSink sink(secured_sink());
  auto gateway = make_gateway(sink.url(), tls_fields("Gr\xC3\xA8ve-2025"));
  ASSERT_NE(gateway, nullptr);
  io::CurlMultiOptions options;
  options.max_host_connections = 2;
  io::CurlMulti client(io_.get_executor(), options);

  std::vector<OutgoingMessage> sent;
  for (int i = 0; i < 12; ++i) sent.push_back(member_email(i));
  const auto results = send_all(*gateway, client, sent);
  for (size_t i = 0; i < results.size(); ++i) {
    EXPECT_EQ(results[i].outcome, Outcome::accepted) << i << ": " << results[i].reason;
  }

  const auto activity = sink.activity();
  EXPECT_EQ(activity.mail_commands, 12);
  EXPECT_EQ(activity.mail_in_clear, 0) << "every MAIL FROM after STARTTLS";
  EXPECT_EQ(activity.refused_logins, 0);
  EXPECT_LE(activity.mail_connections.size(), 2u) << "several messages per TLS session";
  EXPECT_EQ(activity.logins, static_cast<int>(activity.mail_connections.size()))
      << "one AUTH per connection, not per message";

  const auto received = parse_with_python(sink.message_files());
  ASSERT_EQ(received.size(), 12u);
  std::map<std::string, Struct> by_recipient;
  for (const Struct& message : received) by_recipient[strings(message, "rcpt").at(0)] = message;
  for (const OutgoingMessage& message : sent) {
    SCOPED_TRACE(message.to);
    ASSERT_TRUE(by_recipient.count(message.to));
    EXPECT_EQ(text(by_recipient[message.to], "subject"), message.email_subject);
    EXPECT_EQ(text(by_recipient[message.to], "plain"), message.text);
  }
}

TEST_F(SmtpGatewayTlsTest, AWrongPasswordIsTheGatewaysFaultAndDeliversNothing) {
  testing::SmtpSink sink(secured_sink());
  auto gateway = make_gateway(sink.url(), tls_fields("not-the-password"));
  ASSERT_NE(gateway, nullptr);
  io::CurlMulti client(io_.get_executor());
  const auto results = send_all(*gateway, client, {member_email(0), member_email(1)});
  ASSERT_EQ(results.size(), 2u);
  for (const auto& result : results) {
    // Temporary, like twilio's 401: the gateway's health takes it out of rotation and the
    // members wait for another gateway or a fixed config, instead of all failing for good.
    EXPECT_EQ(result.outcome, Outcome::temporary);
    EXPECT_EQ(result.reason,
              "SMTP 535 5.7.8 (the server refused our login: check smtp.username and "
              "smtp.password)");
  }
  const auto activity = sink.activity();
  EXPECT_GE(activity.refused_logins, 1);
  EXPECT_EQ(activity.logins, 0);
  EXPECT_EQ(activity.mail_commands, 0);
  EXPECT_TRUE(sink.message_files().empty());
}

TEST_F(SmtpGatewayTlsTest, RequireTlsSendsNothingToAServerWithoutStarttls) {
  testing::SmtpSink sink;  // no STARTTLS, no AUTH: it would take anything in clear
  auto gateway = make_gateway(sink.url(), tls_fields("Gr\xC3\xA8ve-2025"));
  ASSERT_NE(gateway, nullptr);
  io::CurlMulti client(io_.get_executor());
  const auto results = send_all(*gateway, client, {member_email(0)});
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].outcome, Outcome::temporary);
  EXPECT_EQ(results[0].reason,
            "SMTP server offers no STARTTLS and smtp.require_tls is set: nothing was sent");
  EXPECT_EQ(client.connections_opened(), 1u) << "it did talk to the server";
  const auto activity = sink.activity();
  EXPECT_EQ(activity.mail_commands, 0) << "no MAIL FROM in clear";
  EXPECT_EQ(activity.logins + activity.refused_logins, 0) << "no password in clear";
  EXPECT_TRUE(sink.message_files().empty());
}

TEST_F(SmtpGatewayTlsTest, AnUntrustedCertificateIsRefusedBeforeLogin) {
  testing::SmtpSink sink(secured_sink());
  // No ca_file: the system's authorities, which never signed the test's certificate.
  auto gateway =
      make_gateway(sink.url(), "require_tls: true username: \"tocsin\" password { inline: \"x\" }");
  ASSERT_NE(gateway, nullptr);
  io::CurlMulti client(io_.get_executor());
  const auto results = send_all(*gateway, client, {member_email(0)});
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].outcome, Outcome::temporary);
  EXPECT_EQ(results[0].reason,
            "SMTP server's certificate is not trusted (smtp.ca_file?) or names another host");
  const auto activity = sink.activity();
  EXPECT_EQ(activity.logins + activity.refused_logins, 0) << "the password never left";
  EXPECT_EQ(activity.mail_commands, 0);
  EXPECT_TRUE(sink.message_files().empty());
}

}  // namespace
}  // namespace tocsin::adapters
