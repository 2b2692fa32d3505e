#pragma once
// The gateway seam (adapters/README.md, "Adapters are free of I/O"). An adapter never opens a
// socket or a file: it describes the request for one message (GatewayRequest), and later reads what
// the shared I/O layer (the libcurl multi client, or the local writer) got back (GatewayResponse)
// into a dispatch::SendResult. It also reads the provider's webhooks (status receipts, inbound SMS)
// from a plain CallbackRequest the HTTP layer fills. Keeping every decision in pure functions makes
// each adapter testable with strings alone and lets one I/O client serve every gateway.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "adapters/send_result.h"

namespace tocsin::adapters {

using Headers = std::vector<std::pair<std::string, std::string>>;

// One message to one member on one channel, fully rendered: the adapter only encodes it.
struct OutgoingMessage {
  std::string alert_id;
  std::string member_id;
  std::string channel;   // "sms" | "email"
  std::string to;        // E.164 phone number or email address
  std::string language;  // "fr" | "en"
  std::string text;      // the SMS body, or the plain-text part of the email
  std::string email_subject;
  std::string email_html;
  int segments = 1;             // SMS segments (alerts/sms_encoding.h); 1 for an email
  std::string idempotency_key;  // "alert:member:channel", stable across retries and restarts
  std::string alert_code;       // "A7": members quote it in replies
  // When the alert expires (seconds since the epoch), 0 = never: an SMS should not arrive
  // after it (Twilio ValidityPeriod, Kannel validity).
  int64_t expires_at_unix = 0;
  // The member's RSVP page (also their unsubscribe page), for email headers.
  std::string rsvp_link;
};

// --- what the shared I/O layer executes --------------------------------------------------

struct HttpRequest {
  std::string method;  // "GET" | "POST"
  std::string url;     // absolute, query string already encoded
  Headers headers;     // including Authorization and Content-Type when needed
  std::string body;
  // The provider's time to answer, counted from when the request has been written (the
  // time to connect has its own bound, CurlMultiOptions::connect_timeout); past it:
  // timed_out.
  std::chrono::milliseconds timeout{10'000};
};

struct SmtpEnvelope {
  std::string url;  // smtp:// or smtps:// with host and port (libcurl's form)
  std::string mail_from;
  std::vector<std::string> rcpt;
  std::string message;  // full RFC 5322 text, CRLF line ends, headers then body
  // On smtp://, refuse to go on unless STARTTLS succeeds: the message and the credentials
  // are never sent in clear. smtps:// is encrypted from the first byte either way.
  bool require_tls = false;
  // SMTP AUTH (libcurl picks PLAIN or LOGIN from what the server offers); both empty = none.
  // The password is a secret: never log an envelope whole.
  std::string username;
  std::string password;
  // PEM file of the certificate authorities to trust for this server; empty = the system's.
  // The server's certificate is always verified, against one or the other.
  std::string ca_file;
  // The whole exchange for this message; 0 = the client's default (CurlMultiOptions).
  std::chrono::milliseconds timeout{0};
};

// Appends one line to a file. The writer adds the '\n' and writes line and newline in one
// write(2) on a file opened with O_APPEND, so lines of concurrent sends never interleave.
struct LocalWrite {
  std::string path;  // "-" = the daemon's standard output
  std::string line;  // without its newline; must not contain one
};

using GatewayRequest = std::variant<HttpRequest, SmtpEnvelope, LocalWrite>;

// What came back for one GatewayRequest. For SMTP, http_status carries the final SMTP reply
// code (libcurl's CURLINFO_RESPONSE_CODE does the same); for a LocalWrite it stays 0 and a
// failed write sets transport_error (an errno) and transport_message.
struct GatewayResponse {
  int http_status = 0;
  std::string body;
  Headers headers;
  int transport_error = 0;  // curl code (or errno for a LocalWrite), 0 = none
  std::string transport_message;
  bool timed_out = false;
  // The whole request had been written to the provider when the exchange failed (no
  // answer in time, the connection dropped while waiting for it): the provider may have
  // acted on it (adapters/http_failure.h decides what that means). False when the failure
  // came before (no connection, refused, cut while writing) or for a local write.
  bool request_sent = false;
  // When the request was last written to the provider (HTTP), for the rate window's count
  // of when the provider could have seen it (dispatch/segment_window.h); unset when unknown.
  std::optional<std::chrono::steady_clock::time_point> written_at;
};

// --- webhooks from the provider ----------------------------------------------------------

// One webhook call, decoded by the HTTP layer (no Beast types here, so adapters and their
// tests need no HTTP server).
struct CallbackRequest {
  std::string method;  // "GET" | "POST"
  // The full URL as the provider called it (scheme, host, port, path, query): the public
  // one when behind a proxy, since provider signatures cover it.
  std::string public_url;
  Headers headers;  // names as received; compare them case-insensitively
  // Percent-decoded, in the order received.
  std::vector<std::pair<std::string, std::string>> query;
  // The decoded application/x-www-form-urlencoded body, in order; empty for other bodies.
  std::vector<std::pair<std::string, std::string>> form;
  std::string body;  // raw
};

// Provider states, coarsened to what a member's delivery record needs. Ordered: a receipt
// with a lower rank than the state already recorded is late and must not move it back
// (Twilio and Kannel both repeat and reorder callbacks).
enum class ReceiptState {
  queued = 0,     // the provider holds it (Twilio queued/sending/accepted, Kannel buffered)
  sent = 1,       // handed to the carrier (Twilio sent, Kannel "accepted by the SMSC")
  delivered = 2,  // the handset has it: final
  failed = 3,     // failed or undelivered: final
};

struct DeliveryReceipt {
  std::string message_id;  // the id classify() returned as SendResult::message_id
  ReceiptState state = ReceiptState::queued;
  std::string provider_status;  // the provider's own word (e.g. "undelivered"), for people
  std::string error_code;       // the provider's error code when failed, else empty
};

// A member's reply (SMS mobile-originated message).
struct InboundMessage {
  std::string from;  // the member's number as the provider gives it (normalise before lookup)
  std::string to;    // our number
  std::string text;  // UTF-8
  std::string provider_message_id;  // for de-duplication of repeated webhooks; may be empty
};

enum class CallbackError {
  not_supported,  // this adapter has no such webhook: answer 404
  forged,         // signature or shared secret wrong or missing: answer 403
  malformed,      // authentic but unreadable (missing field, unknown status): answer 400
};

// Either a value or why there is none; reason is for the log and never holds a phone
// number or message text.
template <class T>
struct Parsed {
  std::optional<T> value;
  CallbackError error = CallbackError::not_supported;
  std::string reason;

  explicit operator bool() const { return value.has_value(); }
  static Parsed ok(T v) { return Parsed{std::move(v), CallbackError::not_supported, {}}; }
  static Parsed fail(CallbackError e, std::string why) {
    return Parsed{std::nullopt, e, std::move(why)};
  }
};

// --- the adapter interface ---------------------------------------------------------------

class Gateway {
 public:
  virtual ~Gateway();
  Gateway(const Gateway&) = delete;
  Gateway& operator=(const Gateway&) = delete;

  // The config type that built this gateway ("console", "twilio"...): the {type} of the
  // webhook routes /hooks/{type}/{name}/..., and a metrics label.
  virtual std::string_view type() const = 0;
  const std::string& name() const { return name_; }
  const std::string& channel() const { return channel_; }  // "sms" | "email"
  // Segments (SMS) or emails per second this gateway accepts, > 0.
  double rate_per_second() const { return rate_per_second_; }

  // True when the provider sends delivery receipts (parse_status): the engine then keeps
  // the message id -> member mapping that receipts are matched with.
  virtual bool has_receipts() const { return false; }

  // The request that sends message. Pure: same message, same request (retries resend the
  // same idempotency key).
  virtual GatewayRequest build(const OutgoingMessage& message) const = 0;

  // Reads the response to the request build(message) described. The message is passed
  // back because some providers return no id of their own (Kannel, a local write): their
  // message id is derived from message.idempotency_key, which is also what a receipt
  // carries back. The I/O layer passes timeouts and connection failures here too
  // (timed_out, transport_error), so the adapter alone decides what they mean.
  virtual dispatch::SendResult classify(const OutgoingMessage& message,
                                        const GatewayResponse& response) const = 0;

  // A delivery receipt webhook (/hooks/{type}/{name}/status or /dlr). Authenticates the
  // call (provider signature or our shared secret) before reading it. Default: no such
  // webhook.
  virtual Parsed<DeliveryReceipt> parse_status(const CallbackRequest& request) const;

  // An inbound SMS webhook (/hooks/{type}/{name}/inbound), authenticated the same way.
  // Default: no such webhook.
  virtual Parsed<InboundMessage> parse_inbound(const CallbackRequest& request) const;

 protected:
  // rate_per_second <= 0 (a config without defaults applied) means the documented default.
  Gateway(std::string name, std::string channel, double rate_per_second);

 private:
  std::string name_;
  std::string channel_;
  double rate_per_second_;
};

}  // namespace tocsin::adapters
