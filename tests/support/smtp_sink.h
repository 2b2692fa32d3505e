#pragma once
// tests/support/smtp_sink.py, a real SMTP server (Debian's python3-aiosmtpd), on a free
// loopback port: each message it accepts becomes a file in a temporary directory, and a
// recipient whose address starts with "reject" is refused with 550 5.1.1. It can require
// STARTTLS and AUTH, and tells what happened on its connections (Activity).

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"

namespace tocsin::testing {

class SmtpSink {
 public:
  struct Options {
    // Both set: STARTTLS offered with this PEM certificate and key, and required before
    // MAIL (530 otherwise).
    std::filesystem::path tls_certificate{};
    std::filesystem::path tls_key{};
    // Set: AUTH PLAIN or LOGIN with these required before MAIL, accepted only over TLS.
    std::string username{};
    std::string password{};
  };

  // What the server saw on its connections so far.
  struct Activity {
    int mail_commands = 0;           // MAIL FROM accepted
    int mail_in_clear = 0;           // ... of which outside TLS
    std::set<int> mail_connections;  // the connections that carried at least one MAIL
    int logins = 0;                  // AUTH accepted
    int refused_logins = 0;          // AUTH answered 535
  };

  // Starts the server and waits until it accepts connections; throws std::runtime_error
  // when it does not (python3-aiosmtpd missing, for one).
  SmtpSink() : SmtpSink(Options{}) {}
  explicit SmtpSink(Options options);

  uint16_t port() const { return port_; }
  // smtp:// also with TLS: it is STARTTLS, not TLS from the first byte.
  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }

  // The files of the messages received so far, in the order received. Each holds
  // "MAIL FROM: ...", one "RCPT TO: ..." line per recipient, an empty line, then the
  // message as received (after dot-unstuffing).
  std::vector<std::filesystem::path> message_files() const;

  Activity activity() const;

 private:
  TempDir dir_;
  uint16_t port_;
  std::unique_ptr<Subprocess> process_;
};

}  // namespace tocsin::testing
