// CurlMulti sending mail to a real SMTP server (aiosmtpd, tests/support/smtp_sink.py):
// envelope, body and reply code arrive intact, and the connection is reused.

#include <curl/curl.h>
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "io/curl_multi.h"
#include "tests/support/ports.h"
#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"

namespace tocsin::io {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using adapters::GatewayResponse;
using adapters::SmtpEnvelope;

// tests/support/smtp_sink.py on a free port, keeping each message as a file.
class SmtpSink {
 public:
  SmtpSink() : port_(testing::free_tcp_port()) {
    testing::Subprocess::Options spawn;
    // Debian's interpreter: python3-aiosmtpd is installed for it, not for another python3
    // that may come first on PATH.
    spawn.argv = {"/usr/bin/python3",
                  std::string(TOCSIN_SOURCE_DIR) + "/tests/support/smtp_sink.py",
                  std::to_string(port_), dir_.path().string()};
    process_ = std::make_unique<testing::Subprocess>(spawn);
    if (!process_->wait_for_stdout_line(std::regex("^ready$"), 10s)) {
      throw std::runtime_error(
          "smtp_sink.py did not start (python3-aiosmtpd missing? daemon/install-deps.sh "
          "--tests installs it): " +
          process_->stderr_text());
    }
  }

  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }

  // What the sink wrote for each message, in the order received.
  std::vector<std::string> messages() const {
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(dir_.path())) {
      if (entry.path().filename().string().rfind("message-", 0) == 0) files.push_back(entry);
    }
    std::sort(files.begin(), files.end());
    std::vector<std::string> texts;
    for (const auto& file : files) {
      std::ifstream in(file, std::ios::binary);
      std::ostringstream text;
      text << in.rdbuf();
      texts.push_back(text.str());
    }
    return texts;
  }

 private:
  testing::TempDir dir_;
  uint16_t port_;
  std::unique_ptr<testing::Subprocess> process_;
};

class SmtpTest : public ::testing::Test {
 protected:
  // Sends the envelopes one after the other on io_, and returns the responses.
  std::vector<GatewayResponse> send_all(CurlMulti& client, std::vector<SmtpEnvelope> envelopes) {
    std::vector<GatewayResponse> responses;
    asio::co_spawn(
        io_,
        [&]() -> asio::awaitable<void> {
          for (auto& envelope : envelopes) {
            responses.push_back(co_await client.execute(std::move(envelope)));
          }
        },
        [](std::exception_ptr error) {
          if (error) ADD_FAILURE() << "the sending coroutine threw";
        });
    io_.run_for(20s);
    EXPECT_TRUE(io_.stopped()) << "work still pending";
    io_.restart();
    return responses;
  }

  asio::io_context io_;
};

SmtpEnvelope envelope(const SmtpSink& sink, std::string from, std::vector<std::string> rcpt,
                      std::string message) {
  SmtpEnvelope out;
  out.url = sink.url();
  out.mail_from = std::move(from);
  out.rcpt = std::move(rcpt);
  out.message = std::move(message);
  return out;
}

TEST(SmtpSinkCheck, DebianPythonHasAiosmtpd) {
  // A clearer failure than a sink that never says "ready".
  testing::Subprocess::Options spawn;
  spawn.argv = {"/usr/bin/python3", "-c", "import aiosmtpd"};
  testing::Subprocess python(spawn);
  EXPECT_EQ(python.wait_for_exit(10s), 0)
      << "install python3-aiosmtpd (daemon/install-deps.sh --tests): " << python.stderr_text();
}

TEST_F(SmtpTest, MessagesArriveWithTheirEnvelopeAndBody) {
  SmtpSink sink;
  CurlMulti client(io_.get_executor());
  const std::vector<SmtpEnvelope> sent = {
      envelope(sink, "alerte@exemple.qc.ca", {"marie.tremblay.1@exemple.qc.ca"},
               "From: Tocsin <alerte@exemple.qc.ca>\r\nTo: marie.tremblay.1@exemple.qc.ca\r\n"
               "Subject: =?UTF-8?Q?Gr=C3=A8ve?=\r\n\r\nAssemblée demain à 7 h.\r\n"),
      envelope(sink, "alerte@exemple.qc.ca",
               {"luc.roy.2@exemple.qc.ca", "chloe.morin.3@exemple.qc.ca"},
               "Subject: two recipients\r\n\r\nfirst line\r\n.a line that starts with a dot\r\n"
               ".\r\nthe line above is a lone dot\r\n"),
      envelope(sink, "", {"noemie.fortin.4@exemple.qc.ca"},
               "Subject: null sender\r\n\r\nbounce-style envelope\r\n"),
  };
  const auto responses = send_all(client, sent);

  ASSERT_EQ(responses.size(), 3u);
  const auto received = sink.messages();
  ASSERT_EQ(received.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(responses[i].transport_error, 0) << responses[i].transport_message;
    EXPECT_EQ(responses[i].http_status, 250);
    EXPECT_EQ(responses[i].body,
              "250 2.0.0 Ok: queued as message-000" + std::to_string(i + 1) + ".eml");
    // aiosmtpd shows the null sender (bounces) as "<>".
    const std::string from = sent[i].mail_from.empty() ? "<>" : sent[i].mail_from;
    std::string expected = "MAIL FROM: " + from + "\n";
    for (const auto& rcpt : sent[i].rcpt) expected += "RCPT TO: " + rcpt + "\n";
    expected += "\n" + sent[i].message;
    EXPECT_EQ(received[i], expected);
  }
  EXPECT_EQ(client.connections_opened(), 1u);  // one SMTP session for all three
  EXPECT_EQ(client.transfers_started(), 3u);
}

TEST_F(SmtpTest, RefusedRecipientIsAFailureWithTheServersCode) {
  SmtpSink sink;
  CurlMulti client(io_.get_executor());
  std::vector<SmtpEnvelope> sent = {
      envelope(sink, "alerte@exemple.qc.ca", {"reject.me@exemple.qc.ca"},
               "Subject: nope\r\n\r\nnever delivered\r\n"),
      envelope(sink, "alerte@exemple.qc.ca", {"ok@exemple.qc.ca"},
               "Subject: fine\r\n\r\ndelivered\r\n"),
  };
  const auto responses = send_all(client, std::move(sent));
  ASSERT_EQ(responses.size(), 2u);
  EXPECT_NE(responses[0].transport_error, 0);
  EXPECT_EQ(responses[0].http_status, 550);
  EXPECT_FALSE(responses[0].transport_message.empty());
  EXPECT_EQ(responses[1].transport_error, 0) << responses[1].transport_message;
  EXPECT_EQ(responses[1].http_status, 250);
  ASSERT_EQ(sink.messages().size(), 1u);
  EXPECT_NE(sink.messages()[0].find("RCPT TO: ok@exemple.qc.ca"), std::string::npos);
}

TEST_F(SmtpTest, NoServerFailsFast) {
  CurlMulti client(io_.get_executor());
  SmtpEnvelope lost;
  lost.url = "smtp://127.0.0.1:" + std::to_string(testing::free_tcp_port());
  lost.mail_from = "alerte@exemple.qc.ca";
  lost.rcpt = {"x@exemple.qc.ca"};
  lost.message = "Subject: x\r\n\r\nx\r\n";
  std::vector<SmtpEnvelope> sent;
  sent.push_back(std::move(lost));
  const auto responses = send_all(client, std::move(sent));
  ASSERT_EQ(responses.size(), 1u);
  EXPECT_EQ(responses[0].transport_error, CURLE_COULDNT_CONNECT);
  EXPECT_EQ(responses[0].http_status, 0);
}

}  // namespace
}  // namespace tocsin::io
