#pragma once
// tests/support/smtp_sink.py, a real SMTP server (Debian's python3-aiosmtpd), on a free
// loopback port: each message it accepts becomes a file in a temporary directory, and a
// recipient whose address starts with "reject" is refused with 550 5.1.1.

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"

namespace tocsin::testing {

class SmtpSink {
 public:
  // Starts the server and waits until it accepts connections; throws std::runtime_error
  // when it does not (python3-aiosmtpd missing, for one).
  SmtpSink();

  uint16_t port() const { return port_; }
  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }

  // The files of the messages received so far, in the order received. Each holds
  // "MAIL FROM: ...", one "RCPT TO: ..." line per recipient, an empty line, then the
  // message as received (after dot-unstuffing).
  std::vector<std::filesystem::path> message_files() const;

 private:
  TempDir dir_;
  uint16_t port_;
  std::unique_ptr<Subprocess> process_;
};

}  // namespace tocsin::testing
