// The smtp gateway without a network: the envelope and message build() describes (decoded
// with tests/support/mime_decode.h), classify() on SMTP replies and transport failures,
// and the factory's checks of its config entry.

#include <curl/curl.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <set>
#include <string>

#include "adapters/registry.h"
#include "adapters/smtp/smtp_gateway.h"
#include "config/config.h"
#include "tests/support/mime_decode.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_certificate.h"

namespace tocsin::adapters {
namespace {

using dispatch::Outcome;
using testing::crlf_lines;
using testing::decode_quoted_printable;
using testing::decode_words;
using testing::parse_entity;
using testing::with_lf;

const auto kFixedNow = std::chrono::system_clock::time_point(std::chrono::seconds(1736258589));

SmtpSettings settings() {
  SmtpSettings s;
  s.url = "smtp://127.0.0.1:2525";
  s.from = {"Syndicat de l’Estrie", "mobilisation@syndicat.qc.ca"};
  s.unsubscribe_mailto = "desabonnement@syndicat.qc.ca";
  return s;
}

SmtpGateway gateway(SmtpSettings s = settings()) {
  return SmtpGateway("mail", 20, std::move(s), [] { return kFixedNow; });
}

OutgoingMessage email(std::string member = "m-1042") {
  OutgoingMessage message;
  message.alert_id = "A7";
  message.member_id = member;
  message.channel = "email";
  message.to = "zoe.gagnon@exemple.qc.ca";
  message.language = "fr";
  message.email_subject = "Grève : assemblée d’urgence dimanche à 7 h ✊";
  message.text =
      "Bonjour Zoé,\n\nL’assemblée générale a lieu dimanche à 7 h à l’aréna.\n"
      "Répondez ici : https://tocsin.syndicat.qc.ca/r/AbCd1234\n";
  message.idempotency_key = "A7:" + member + ":email";
  message.alert_code = "A7";
  message.rsvp_link = "https://tocsin.syndicat.qc.ca/r/AbCd1234";
  return message;
}

SmtpEnvelope envelope_of(GatewayRequest request) {
  EXPECT_TRUE(std::holds_alternative<SmtpEnvelope>(request));
  return std::get<SmtpEnvelope>(std::move(request));
}

GatewayResponse reply(int code, std::string body = {}, int transport_error = 0) {
  GatewayResponse response;
  response.http_status = code;
  response.body = std::move(body);
  response.transport_error = transport_error;
  return response;
}

TEST(AdaptersSmtp, EnvelopeComesFromTheConfigAndTheMember) {
  const SmtpGateway smtp = gateway();
  EXPECT_EQ(smtp.type(), "smtp");
  EXPECT_EQ(smtp.channel(), "email");
  EXPECT_FALSE(smtp.has_receipts());
  const SmtpEnvelope envelope = envelope_of(smtp.build(email()));
  EXPECT_EQ(envelope.url, "smtp://127.0.0.1:2525");
  EXPECT_EQ(envelope.mail_from, "mobilisation@syndicat.qc.ca");
  ASSERT_EQ(envelope.rcpt.size(), 1u);
  EXPECT_EQ(envelope.rcpt[0], "zoe.gagnon@exemple.qc.ca");
}

TEST(AdaptersSmtp, EnvelopeCarriesTheTlsPolicyCredentialsAndTimeout) {
  EXPECT_FALSE(envelope_of(gateway().build(email())).require_tls);
  EXPECT_TRUE(envelope_of(gateway().build(email())).username.empty());

  SmtpSettings s = settings();
  s.require_tls = true;
  s.username = "tocsin";
  s.password = "s3cret";
  s.ca_file = "/etc/tocsin/mail-ca.pem";
  s.timeout = std::chrono::milliseconds(4000);
  const SmtpEnvelope envelope = envelope_of(gateway(s).build(email()));
  EXPECT_TRUE(envelope.require_tls);
  EXPECT_EQ(envelope.username, "tocsin");
  EXPECT_EQ(envelope.password, "s3cret");
  EXPECT_EQ(envelope.ca_file, "/etc/tocsin/mail-ca.pem");
  EXPECT_EQ(envelope.timeout, std::chrono::milliseconds(4000));
  EXPECT_EQ(envelope.message.find("s3cret"), std::string::npos);
}

TEST(AdaptersSmtp, MessageHasEveryHeaderWellFormed) {
  const SmtpGateway smtp = gateway();
  const OutgoingMessage message = email();
  const auto entity = parse_entity(envelope_of(smtp.build(message)).message);
  for (const char* name : {"From", "To", "Subject", "Date", "Message-ID", "MIME-Version",
                           "Content-Type", "List-Unsubscribe", "Content-Language"}) {
    EXPECT_EQ(entity.count(name), 1u) << name;
  }
  EXPECT_EQ(entity.header("From").rfind("=?UTF-8?B?", 0), 0u) << "non-ASCII display name";
  EXPECT_EQ(decode_words(entity.header("From")),
            "Syndicat de l’Estrie <mobilisation@syndicat.qc.ca>");
  EXPECT_EQ(entity.header("To"), "zoe.gagnon@exemple.qc.ca");
  EXPECT_EQ(decode_words(entity.header("Subject")), message.email_subject);
  EXPECT_EQ(entity.header("Date"), "Tue, 07 Jan 2025 14:03:09 +0000");
  EXPECT_EQ(entity.header("Message-ID"), "<" + smtp.message_id(message) + ">");
  EXPECT_EQ(entity.header("MIME-Version"), "1.0");
  EXPECT_EQ(entity.header("Content-Language"), "fr");
  EXPECT_EQ(entity.header("Auto-Submitted"), "auto-generated");
  EXPECT_EQ(entity.header("X-Auto-Response-Suppress"), "OOF, AutoReply");
  EXPECT_EQ(entity.header("List-Unsubscribe"),
            "<mailto:desabonnement@syndicat.qc.ca?subject=unsubscribe>, "
            "<https://tocsin.syndicat.qc.ca/r/AbCd1234>");
  EXPECT_EQ(entity.header("List-Unsubscribe-Post"), "List-Unsubscribe=One-Click");
  EXPECT_EQ(entity.header("Content-Type").rfind("multipart/alternative;", 0), 0u);
}

TEST(AdaptersSmtp, BothAlternativesDecodeToWhatWasSent) {
  const SmtpGateway smtp = gateway();
  OutgoingMessage message = email();
  const auto entity = parse_entity(envelope_of(smtp.build(message)).message);
  const auto parts =
      testing::split_multipart(entity.body, testing::boundary_of(entity.header("Content-Type")));
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0].header("Content-Type"), "text/plain; charset=UTF-8");
  EXPECT_EQ(with_lf(decode_quoted_printable(parts[0].body)), message.text);
  EXPECT_EQ(parts[1].header("Content-Type"), "text/html; charset=UTF-8");
  const std::string html = with_lf(decode_quoted_printable(parts[1].body));
  EXPECT_NE(html.find("<html lang=\"fr\">"), std::string::npos);
  EXPECT_NE(html.find("<a href=\"https://tocsin.syndicat.qc.ca/r/AbCd1234\">"), std::string::npos)
      << "the RSVP link is clickable";
  EXPECT_NE(html.find("<p>Bonjour Zoé,</p>"), std::string::npos) << html;
}

TEST(AdaptersSmtp, GivenHtmlIsSentAsIsAndHostileTextIsEscaped) {
  const SmtpGateway smtp = gateway();
  OutgoingMessage message = email();
  message.email_html = "<!DOCTYPE html><html><body><p style=\"color:red\">Grève</p></body></html>";
  auto entity = parse_entity(envelope_of(smtp.build(message)).message);
  auto parts =
      testing::split_multipart(entity.body, testing::boundary_of(entity.header("Content-Type")));
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(decode_quoted_printable(parts[1].body), message.email_html);

  message.email_html.clear();
  message.text = "<script>alert(1)</script> & co";
  entity = parse_entity(envelope_of(smtp.build(message)).message);
  parts =
      testing::split_multipart(entity.body, testing::boundary_of(entity.header("Content-Type")));
  ASSERT_EQ(parts.size(), 2u);
  const std::string html = decode_quoted_printable(parts[1].body);
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt; &amp; co"), std::string::npos);
}

TEST(AdaptersSmtp, CrlfEverywhereAndNoLineOver998EvenForAHugeParagraph) {
  const SmtpGateway smtp = gateway();
  OutgoingMessage message = email();
  message.text.clear();
  while (message.text.size() < 5000)
    message.text += "Très long paragraphe sans retour à la ligne ; ";
  message.email_subject = std::string(300, 'x') + " é " + std::string(1200, 'y');
  const std::string raw = envelope_of(smtp.build(message)).message;
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '\n') {
      ASSERT_EQ(raw[i - 1], '\r') << "bare LF at " << i;
    }
    if (raw[i] == '\r') {
      ASSERT_EQ(raw[i + 1], '\n') << "bare CR at " << i;
    }
    ASSERT_LT(static_cast<unsigned char>(raw[i]), 0x80) << "the message is 7-bit";
  }
  size_t longest = 0;
  for (const auto& line : crlf_lines(raw)) longest = std::max(longest, line.size());
  EXPECT_LE(longest, 76u);  // far under SMTP's 998
  const auto entity = parse_entity(raw);
  EXPECT_EQ(decode_words(entity.header("Subject")), message.email_subject);
  const auto parts =
      testing::split_multipart(entity.body, testing::boundary_of(entity.header("Content-Type")));
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(with_lf(decode_quoted_printable(parts[0].body)), message.text);
}

TEST(AdaptersSmtp, MessageIdIsStableForAKeyAndDiffersForAnother) {
  const SmtpGateway smtp = gateway();
  const std::string first = smtp.message_id(email("m-1"));
  EXPECT_EQ(first, smtp.message_id(email("m-1")));
  EXPECT_EQ(first, gateway().message_id(email("m-1"))) << "the same after a restart";
  // "tocsin." + 32 hex digits + "@" + the domain of From.
  EXPECT_EQ(first.size(), 7u + 32 + 1 + 14) << first;
  EXPECT_EQ(first.rfind("tocsin.", 0), 0u);
  EXPECT_EQ(first.substr(first.size() - 15), "@syndicat.qc.ca") << first;
  std::set<std::string> ids;
  for (int i = 0; i < 1000; ++i) ids.insert(smtp.message_id(email("m-" + std::to_string(i))));
  EXPECT_EQ(ids.size(), 1000u);
  EXPECT_EQ(first.find(' '), std::string::npos);
  EXPECT_EQ(first.find("m-1"), std::string::npos) << "no member id in the clear";
}

TEST(AdaptersSmtp, BuildIsPureForTheSameMessageAndTime) {
  const SmtpGateway smtp = gateway();
  EXPECT_EQ(envelope_of(smtp.build(email())).message, envelope_of(smtp.build(email())).message);
  EXPECT_NE(envelope_of(smtp.build(email("m-1"))).message,
            envelope_of(smtp.build(email("m-2"))).message);
}

TEST(AdaptersSmtp, UnsubscribeHeadersFollowTheLink) {
  SmtpSettings s = settings();
  s.unsubscribe_mailto.clear();  // defaults to From
  const SmtpGateway smtp(gateway(s));
  OutgoingMessage message = email();
  message.rsvp_link = "http://127.0.0.1:8080/r/Xy";  // development: listed, but no one-click
  auto entity = parse_entity(envelope_of(smtp.build(message)).message);
  EXPECT_EQ(entity.header("List-Unsubscribe"),
            "<mailto:mobilisation@syndicat.qc.ca?subject=unsubscribe>, "
            "<http://127.0.0.1:8080/r/Xy>");
  EXPECT_EQ(entity.count("List-Unsubscribe-Post"), 0u);

  message.rsvp_link = "https://bad link/with spaces";
  entity = parse_entity(envelope_of(smtp.build(message)).message);
  EXPECT_EQ(entity.header("List-Unsubscribe"),
            "<mailto:mobilisation@syndicat.qc.ca?subject=unsubscribe>");
  EXPECT_EQ(entity.count("List-Unsubscribe-Post"), 0u);
}

TEST(AdaptersSmtp, MailtoIsPercentEncoded) {
  SmtpSettings s = settings();
  s.unsubscribe_mailto = "stop+alertes@syndicat.qc.ca";
  const auto entity = parse_entity(envelope_of(gateway(s).build(email())).message);
  EXPECT_EQ(entity.header("List-Unsubscribe")
                .rfind("<mailto:stop%2Balertes@syndicat.qc.ca?subject=unsubscribe>", 0),
            0u);
}

TEST(AdaptersSmtp, AnInvalidRecipientIsNeverSentAndIsPermanent) {
  const SmtpGateway smtp = gateway();
  for (const std::string& to : {std::string("zoe@exemple.qc.ca\r\nRCPT TO:<x@y.ca>"),
                                std::string("not an address"), std::string("")}) {
    OutgoingMessage message = email();
    message.to = to;
    const SmtpEnvelope envelope = envelope_of(smtp.build(message));
    EXPECT_EQ(envelope.url, "") << "libcurl refuses an empty URL before connecting";
    EXPECT_EQ(envelope.message, "");
    // Whatever the I/O layer says (here libcurl's answer to an empty URL).
    const auto result = smtp.classify(message, reply(0, "", CURLE_URL_MALFORMAT));
    EXPECT_EQ(result.outcome, Outcome::permanent);
    EXPECT_EQ(result.reason.rfind("invalid recipient address", 0), 0u) << result.reason;
    EXPECT_EQ(result.reason.find("exemple"), std::string::npos) << result.reason;
  }
}

TEST(AdaptersSmtp, AcceptedCarriesTheMessageId) {
  const SmtpGateway smtp = gateway();
  const auto result = smtp.classify(email(), reply(250, "250 2.0.0 Ok: queued as 4Xyz"));
  EXPECT_EQ(result.outcome, Outcome::accepted);
  EXPECT_EQ(result.message_id, smtp.message_id(email()));
  EXPECT_TRUE(result.reason.empty());
}

TEST(AdaptersSmtp, TemporaryRepliesAndTransportFailures) {
  const SmtpGateway smtp = gateway();
  struct Case {
    GatewayResponse response;
    std::string reason;
  };
  GatewayResponse timeout =
      reply(354, "354 End data with <CR><LF>.<CR><LF>", CURLE_OPERATION_TIMEDOUT);
  timeout.timed_out = true;
  const Case cases[] = {
      {reply(421, "421 4.3.2 Service shutting down", CURLE_RECV_ERROR), "SMTP 421 4.3.2"},
      {reply(450, "450 4.2.1 <zoe.gagnon@exemple.qc.ca>: try later", CURLE_SEND_ERROR),
       "SMTP 450 4.2.1"},
      {reply(451, "451 Greylisted, come back later", CURLE_SEND_ERROR), "SMTP 451"},
      {reply(452, "452 4.5.3 Too many recipients", CURLE_SEND_ERROR), "SMTP 452 4.5.3"},
      {reply(535, "535 5.7.8 Authentication credentials invalid", CURLE_LOGIN_DENIED),
       "SMTP 535 5.7.8 (the server refused our login: check smtp.username and smtp.password)"},
      {reply(538, "538 5.7.11 Encryption required for requested authentication mechanism",
             CURLE_LOGIN_DENIED),
       "SMTP 538 5.7.11 (the server refused our session)"},
      {reply(250, "250 HELP", CURLE_USE_SSL_FAILED),
       "SMTP server offers no STARTTLS and smtp.require_tls is set: nothing was sent"},
      {reply(0, "", CURLE_PEER_FAILED_VERIFICATION),
       "SMTP server's certificate is not trusted (smtp.ca_file?) or names another host"},
      {reply(0, "", CURLE_COULDNT_CONNECT), "SMTP transport: Couldn't connect to server"},
      {reply(0, "", CURLE_COULDNT_RESOLVE_HOST), "SMTP transport: Couldn't resolve host name"},
      {reply(250, "250 OK", CURLE_SEND_ERROR), "SMTP transport: Failed sending data to the peer"},
      {timeout, "SMTP timed out"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.reason);
    const auto result = smtp.classify(email(), c.response);
    EXPECT_EQ(result.outcome, Outcome::temporary);
    EXPECT_EQ(result.reason, c.reason);
    EXPECT_TRUE(result.message_id.empty());
  }
}

TEST(AdaptersSmtp, RecipientRefusalsArePermanentWithTheCodeOnly) {
  const SmtpGateway smtp = gateway();
  const std::pair<GatewayResponse, std::string> cases[] = {
      {reply(550, "550 5.1.1 <zoe.gagnon@exemple.qc.ca>: Recipient address rejected",
             CURLE_SEND_ERROR),
       "SMTP 550 5.1.1"},
      {reply(553, "553 5.1.3 Bad recipient address syntax", CURLE_SEND_ERROR), "SMTP 553 5.1.3"},
      {reply(554, "554 Transaction failed", CURLE_SEND_ERROR), "SMTP 554"},
      {reply(552, "552-5.2.2 The email account that you tried to reach is over quota",
             CURLE_SEND_ERROR),
       "SMTP 552 5.2.2"},
  };
  for (const auto& [response, reason] : cases) {
    const auto result = smtp.classify(email(), response);
    EXPECT_EQ(result.outcome, Outcome::permanent) << reason;
    EXPECT_EQ(result.reason, reason);
    EXPECT_EQ(result.reason.find('@'), std::string::npos);
  }
}

// --- the factory ----------------------------------------------------------------------

class AdaptersSmtpFactory : public ::testing::Test {
 protected:
  AdaptersSmtpFactory() { register_smtp_gateway(registry_); }

  std::unique_ptr<Gateway> build(const std::string& smtp_fields) {
    errors_.clear();
    auto gateways = registry_.build_all(
        config::parse_text(
            "gateways { name: \"mail\" rate_per_second: 5 smtp { " + smtp_fields + " } }",
            "test.textproto"),
        &errors_);
    return gateways.empty() ? nullptr : std::move(gateways[0]);
  }

  std::string error() const { return errors_.empty() ? "<none>" : errors_[0]; }

  GatewayRegistry registry_;
  std::vector<std::string> errors_;
};

TEST_F(AdaptersSmtpFactory, BuildsWithDefaults) {
  auto built = build(R"(url: "smtp://127.0.0.1:2525" from: "Syndicat <alerte@syndicat.qc.ca>")");
  ASSERT_NE(built, nullptr) << error();
  auto& smtp = dynamic_cast<SmtpGateway&>(*built);
  EXPECT_EQ(smtp.name(), "mail");
  EXPECT_EQ(smtp.channel(), "email");
  EXPECT_DOUBLE_EQ(smtp.rate_per_second(), 5);
  EXPECT_EQ(smtp.settings().from.address, "alerte@syndicat.qc.ca");
  EXPECT_EQ(smtp.settings().from.display_name, "Syndicat");
  EXPECT_EQ(smtp.settings().unsubscribe_mailto, "alerte@syndicat.qc.ca");
  EXPECT_EQ(smtp.settings().timeout, std::chrono::milliseconds(30000));
  EXPECT_FALSE(smtp.settings().require_tls);

  built = build(R"(url: "SMTPS://mail.syndicat.qc.ca:465" from: "alerte@syndicat.qc.ca"
                   require_tls: true unsubscribe_mailto: "stop@syndicat.qc.ca" timeout_ms: 5000)");
  ASSERT_NE(built, nullptr) << error();
  auto& tls = dynamic_cast<SmtpGateway&>(*built);
  EXPECT_TRUE(tls.settings().require_tls);
  EXPECT_EQ(tls.settings().unsubscribe_mailto, "stop@syndicat.qc.ca");
  EXPECT_EQ(tls.settings().timeout, std::chrono::milliseconds(5000));
}

TEST_F(AdaptersSmtpFactory, RefusesWhatItCannotUse) {
  const std::pair<std::string, std::string> cases[] = {
      {R"(from: "a@b.ca")",
       "gateways[0].smtp.url: required (smtp://host:port or smtps://host:port)"},
      {R"(url: "http://mail.example.org" from: "a@b.ca")",
       "gateways[0].smtp.url: expected smtp:// or smtps://, got \"http://\""},
      {R"(url: "smtp://user:secret@mail.example.org" from: "a@b.ca")",
       "gateways[0].smtp.url: must not hold credentials (use smtp.username and smtp.password)"},
      {R"(url: "smtp://mail.example.org/?x=1" from: "a@b.ca")",
       "gateways[0].smtp.url: must not have a query or fragment"},
      {R"(url: "smtp://" from: "a@b.ca")", ""},
      {R"(url: "smtp://mail.example.org")",
       "gateways[0].smtp.from: required (\"Name <address>\" or an address)"},
      {R"(url: "smtp://mail.example.org" from: "Syndicat <nobody>")",
       "gateways[0].smtp.from: not a valid address (missing @)"},
      {R"(url: "smtp://mail.example.org" from: "a@b.ca" unsubscribe_mailto: "x")",
       "gateways[0].smtp.unsubscribe_mailto: not a valid address (missing @)"},
      {R"(url: "smtp://mail.example.org" from: "a@b.ca" timeout_ms: 99)",
       "gateways[0].smtp.timeout_ms: must be between 100 and 300000, got 99"},
      {R"(url: "smtp://mail.example.org" from: "a@b.ca" timeout_ms: 300001)",
       "gateways[0].smtp.timeout_ms: must be between 100 and 300000, got 300001"},
      {R"(url: "smtp://mail.example.org" from: "a@b.ca" username: "u")",
       "gateways[0].smtp.password: required with smtp.username"},
      {R"(url: "smtp://mail.example.org" from: "a@b.ca" password { inline: "p" })",
       "gateways[0].smtp.username: required with smtp.password"},
      // AUTH on smtp:// without STARTTLS would carry the password in clear.
      {R"(url: "smtp://mail.example.org" from: "a@b.ca" username: "u" password { inline: "p" })",
       "gateways[0].smtp.password: would be sent in clear on smtp://; set require_tls "
       "(STARTTLS) or use smtps://"},
      {R"(url: "smtps://mail.example.org" from: "a@b.ca" username: "u" password { inline: "" })",
       "gateways[0].smtp.password: inline secret is empty"},
      {R"(url: "smtps://mail.example.org" from: "a@b.ca" ca_file: "/nonexistent/ca.pem")",
       "gateways[0].smtp.ca_file: \"/nonexistent/ca.pem\" is not a readable file"},
      {R"(url: "smtps://mail.example.org" from: "a@b.ca" ca_file: "/")",
       "gateways[0].smtp.ca_file: \"/\" is not a readable file"},
  };
  for (const auto& [fields, expected] : cases) {
    SCOPED_TRACE(fields);
    EXPECT_EQ(build(fields), nullptr);
    ASSERT_EQ(errors_.size(), 1u);
    if (expected.empty()) {
      EXPECT_EQ(errors_[0].rfind("gateways[0].smtp.url: ", 0), 0u) << errors_[0];
    } else {
      EXPECT_EQ(errors_[0], expected);
    }
  }
}

TEST_F(AdaptersSmtpFactory, AcceptsStarttlsAuthAndACaFile) {
  testing::TempDir dir("tocsin-smtp-factory");
  const auto certificate = testing::make_test_certificate(dir.path());
  auto built = build(R"(url: "smtp://mail.syndicat.qc.ca:587" from: "alerte@syndicat.qc.ca"
                        require_tls: true username: "tocsin" password { inline: "s3cret" }
                        ca_file: ")" +
                     certificate.certificate.string() + R"(" timeout_ms: 4000)");
  ASSERT_NE(built, nullptr) << error();
  const auto& smtp = dynamic_cast<SmtpGateway&>(*built);
  EXPECT_TRUE(smtp.settings().require_tls);
  EXPECT_EQ(smtp.settings().username, "tocsin");
  EXPECT_EQ(smtp.settings().password, "s3cret");
  EXPECT_EQ(smtp.settings().ca_file, certificate.certificate.string());

  // smtps:// is encrypted from the start: AUTH needs no require_tls there.
  built = build(R"(url: "smtps://mail.syndicat.qc.ca" from: "alerte@syndicat.qc.ca"
                   username: "tocsin" password { inline: "s3cret" })");
  ASSERT_NE(built, nullptr) << error();
  EXPECT_FALSE(dynamic_cast<SmtpGateway&>(*built).settings().require_tls);
}

TEST_F(AdaptersSmtpFactory, RefusesACaFileWithoutACertificate) {
  testing::TempDir dir("tocsin-smtp-factory");
  const auto certificate = testing::make_test_certificate(dir.path());
  const auto not_pem = dir.path() / "notes.txt";
  std::ofstream(not_pem) << "not a certificate\n";
  // The key is PEM too, but no certificate: libcurl would fail every handshake with it.
  for (const auto& path : {not_pem, certificate.private_key}) {
    SCOPED_TRACE(path.string());
    EXPECT_EQ(build(R"(url: "smtps://mail.example.org" from: "a@b.ca" ca_file: ")" + path.string() +
                    "\""),
              nullptr);
    ASSERT_EQ(errors_.size(), 1u);
    EXPECT_EQ(errors_[0], "gateways[0].smtp.ca_file: \"" + path.string() +
                              "\" holds no PEM certificate (or cannot be read)");
  }
}

TEST_F(AdaptersSmtpFactory, AnUnreadablePasswordNamesItsField) {
  unsetenv("TOCSIN_TEST_SMTP_PASSWORD_UNSET");
  EXPECT_EQ(build(R"(url: "smtp://mail.example.org" from: "a@b.ca" username: "u"
                     password { env: "TOCSIN_TEST_SMTP_PASSWORD_UNSET" })"),
            nullptr);
  ASSERT_EQ(errors_.size(), 1u);
  EXPECT_EQ(errors_[0].rfind("gateways[0].smtp.password", 0), 0u) << errors_[0];
}

}  // namespace
}  // namespace tocsin::adapters
