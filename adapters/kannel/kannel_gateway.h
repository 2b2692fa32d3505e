#pragma once
// SMS through a Kannel smsbox's sendsms interface (adapters/README.md, "Kannel 1.4"): one GET per
// message, delivery reports (DLRs) called back on a dlr-url that carries our shared secret
// and our own message id, and members' replies from an sms-service get-url carrying the
// same secret.
//
// Kannel answers a send with no id of its own to match reports against, so the message id
// is ours: the first 16 hex digits of SHA-256(idempotency key), the same on every retry.
//
// What Kannel does with reports (checked with Debian's Kannel 1.4.5 and its fake SMSC):
// for dlr-mask 31 the bearerbox calls the dlr-url with type 8 ("accepted by the SMS
// centre", smsc_reply "ACK/") once the centre took the message, and the centre's module
// reports 1 (delivered), 2 (not delivered), 4 (buffered) or 16 (rejected) as the carrier
// tells it. Reports come in any order (the fake centre's type 1 often overtakes the type 8),
// and a centre may report each part of a concatenated message (the fake one does not:
// one report of each type per message), all with our id: ReceiptState's ranks absorb both.
//
// Deployment notes, since Kannel's own config decides part of the behaviour:
// - the sendsms-user needs `max-messages` at least the longest alert's segment count and
//   `concatenation = true`: past max-messages Kannel cuts the text silently and still
//   answers "0: Accepted";
// - the sms-service for replies: get-url = "{public_url}/hooks/kannel/{name}/inbound?
//   secret=S&from=%p&to=%P&text=%a&ts=%T&id=%I" and `mo-recode = true` in the smsbox group
//   (UCS-2 replies then arrive as UTF-8); `id=%I` lets repeated calls be recognised.

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "adapters/gateway.h"
#include "adapters/registry.h"

namespace tocsin::adapters {

// dlr-mask we ask for: 1 delivered, 2 not delivered, 4 buffered, 8 accepted by the SMS
// centre, 16 rejected by it. 19 (final results only) would leave a member at "queued"
// forever on a carrier that never sends final reports; 8 is the proof the carrier has it.
inline constexpr int kKannelDlrMask = 31;

struct KannelSettings {
  std::string sendsms_url;  // http(s)://host:port/cgi-bin/sendsms, no query
  std::string username;
  std::string password;
  std::string from;  // empty: the sendsms-user's default-sender (or smsbox global-sender)
  // Checked on every webhook; letters, digits and -._~ only, so it travels through URLs
  // and Kannel's %-escapes unchanged.
  std::string webhook_secret;
  std::chrono::milliseconds timeout{10'000};
  // {public_url}/hooks/kannel/{name}/dlr, without query; empty = ask for no reports.
  std::string dlr_base_url;
};

// The message id for an idempotency key: 16 lowercase hex digits of its SHA-256.
std::string kannel_message_id(std::string_view idempotency_key);

class KannelGateway final : public Gateway {
 public:
  using Clock = std::function<std::chrono::system_clock::time_point()>;

  // clock is read by build() for validity only; tests pass a fixed one.
  KannelGateway(std::string name, double rate_per_second, KannelSettings settings,
                Clock clock = &std::chrono::system_clock::now);

  std::string_view type() const override { return "kannel"; }
  bool has_receipts() const override { return !settings_.dlr_base_url.empty(); }
  const KannelSettings& settings() const { return settings_; }

  // GET sendsms_url?username&password[&from]&to&text&charset=UTF-8&coding=0|2
  // [&dlr-mask=31&dlr-url=...][&validity=MINUTES]. coding is 2 (UCS-2) when
  // alerts::measure_sms says the text needs it; Kannel converts the UTF-8 text itself.
  // dlr-url = dlr_base_url?secret=S&id=ID&type=%d&smsc_reply=%A, escaped as a whole so
  // Kannel's %d and %A reach its expansion intact. validity is the whole minutes left until
  // message.expires_at_unix by the clock, at least 1, so the carrier drops the SMS rather
  // than deliver it after the alert expired. GET, because sendsms answers a form POST
  // "Invalid content-type" (its POST takes the text as the body and the rest in X-Kannel-*
  // headers).
  GatewayRequest build(const OutgoingMessage& message) const override;

  // 2xx "0: Accepted for delivery" or "3: Queued for later delivery": accepted, message_id
  // kannel_message_id(idempotency key); a 2xx without those words is not an smsbox's:
  // permanent. 503, other 5xx, timeouts, connection failures: temporary. 403 (username or
  // password refused): permanent. Other 4xx: permanent, with Kannel's reason text (digit
  // runs masked).
  dispatch::SendResult classify(const OutgoingMessage& message,
                                const GatewayResponse& response) const override;

  // /hooks/kannel/{name}/dlr?secret=S&id=ID&type=N[&smsc_reply=...], query or form.
  // Secret wrong or missing: forged. No id, no type, or a type that is not 1, 2, 4, 8, 16
  // (or 32, newer Kannels' "intermediate", read as queued): malformed. error_code is the
  // "err:" field of an SMPP receipt text in smsc_reply, for a failure.
  Parsed<DeliveryReceipt> parse_status(const CallbackRequest& request) const override;

  // /hooks/kannel/{name}/inbound?secret=S&from=...&to=...&text=...[&id=...]: secret as
  // above; no from or no text parameter: malformed (an empty text is a valid reply).
  Parsed<InboundMessage> parse_inbound(const CallbackRequest& request) const override;

 private:
  // Nullopt when the call carries our secret, else why not.
  std::optional<std::string> secret_problem(const CallbackRequest& request) const;

  KannelSettings settings_;
  Clock clock_;
  std::string fixed_query_;     // "username=..&password=..[&from=..]", escaped once
  std::string escaped_secret_;  // the secret as it appears in the dlr-url
};

// Registers the kannel type (GatewayConfig.kannel). The factory checks sendsms_url (http or
// https, no query), username (required), password and webhook_secret (secrets; the webhook
// secret at least 16 characters of letters, digits and -._~), from (at most 20 printable
// characters) and timeout_ms (100..120000, default 10000). Receipts are asked for when the
// daemon has a public URL.
void register_kannel_gateway(GatewayRegistry& registry);

}  // namespace tocsin::adapters
