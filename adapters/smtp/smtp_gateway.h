#pragma once
// Email through any SMTP server (SmtpGatewayConfig): one message per member, built here as
// a complete MIME message (mime_message.h) and handed to the shared libcurl client as an
// SmtpEnvelope, which keeps its connections open so a blast goes out over a few SMTP
// sessions. SMTP has no delivery receipts we can read: accepted by the server is final.

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "adapters/gateway.h"
#include "adapters/registry.h"
#include "adapters/smtp/mime_message.h"

namespace tocsin::adapters {

// An SMTP gateway's settings, checked (the factory does it for a config entry).
struct SmtpSettings {
  std::string url;                 // smtp://host[:port] or smtps://host[:port]
  mime::Mailbox from;              // From header; its address is also the envelope sender
  std::string unsubscribe_mailto;  // address of List-Unsubscribe's mailto:, a valid one
  // SMTP AUTH, both or neither; the password is a secret read at startup, never logged.
  std::string username;
  std::string password;
  // smtp:// with STARTTLS enforced: a server that does not offer it gets nothing.
  bool require_tls = false;
  std::string ca_file;  // PEM CA bundle for the server's certificate; empty = the system's
  std::chrono::milliseconds timeout{30'000};  // one message
};

class SmtpGateway final : public Gateway {
 public:
  using Clock = std::function<std::chrono::system_clock::time_point()>;

  // clock gives the Date header; empty = the system clock.
  SmtpGateway(std::string name, double rate_per_second, SmtpSettings settings,
              Clock clock = nullptr);

  std::string_view type() const override { return "smtp"; }
  bool has_receipts() const override { return false; }
  const SmtpSettings& settings() const { return settings_; }

  // The envelope: the configured URL, TLS policy, CA file, credentials and timeout, MAIL
  // FROM the From address, RCPT TO message.to, and the whole message
  // (mime::build_message): From, To, Subject, Date, Message-ID, MIME-Version,
  // Content-Language (message.language), Auto-Submitted, X-Auto-Response-Suppress,
  // List-Unsubscribe (mailto and message.rsvp_link), List-Unsubscribe-Post when that link
  // is https, then message.text as text/plain and message.email_html (or HTML made from
  // the text) as text/html.
  // A message.to that is not a valid address is never sent: the envelope then has no URL,
  // which libcurl refuses at once without connecting, and classify() calls it permanent.
  GatewayRequest build(const OutgoingMessage& message) const override;

  // SMTP reply codes (http_status): 2xx accepted, with message_id(); 4xx temporary; 5xx
  // permanent ("SMTP 550 5.1.1"), except the codes that refuse our session rather than the
  // recipient (500, 502-504, 530, 534, 535, 538: the gateway's configuration), which are
  // temporary so that failover, not the member's record, takes the blow (535, a refused
  // login, says so, like twilio's 401). No reply, a transport error (among them a server
  // without the STARTTLS require_tls asks for, or a certificate that fails verification)
  // or a timeout: temporary. Reasons hold codes only, never an address.
  dispatch::SendResult classify(const OutgoingMessage& message,
                                const GatewayResponse& response) const override;

  // The Message-ID, without angle brackets: "tocsin.<32 hex digits>@<domain of From>", the
  // digits from a SHA-256 of the idempotency key. The same message gets the same id on
  // every retry and after a restart, so a resend after a lost reply is recognisable as the
  // same email (and mail clients can group or drop it); another message gets another.
  std::string message_id(const OutgoingMessage& message) const;

 private:
  std::vector<std::string> unsubscribe_headers(const OutgoingMessage& message) const;

  SmtpSettings settings_;
  Clock clock_;
  std::string mailto_uri_;  // "mailto:...?subject=unsubscribe", computed once
};

// Registers the smtp type (GatewayConfig.smtp).
void register_smtp_gateway(GatewayRegistry& registry);

}  // namespace tocsin::adapters
