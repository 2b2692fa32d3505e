#pragma once
// SMS through Twilio's Messages API, or any provider that speaks it (adapters/README.md): one
// form POST per message with HTTP Basic auth, delivery receipts from status callbacks, and
// members' replies from the inbound webhook, both signed with X-Twilio-Signature.

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "adapters/gateway.h"
#include "adapters/registry.h"

namespace tocsin::adapters {

struct TwilioSettings {
  std::string base_url = "https://api.twilio.com";  // scheme, host, optional port; no path
  std::string account_sid;
  std::string auth_token;
  std::string from;  // exactly one of from and messaging_service_sid
  std::string messaging_service_sid;
  std::chrono::milliseconds timeout{10'000};
  // Where Twilio posts delivery receipts ({public_url}/hooks/twilio/{name}/status); empty =
  // ask for none.
  std::string status_callback_url;
};

class TwilioGateway final : public Gateway {
 public:
  using Clock = std::function<std::chrono::system_clock::time_point()>;

  // clock is read by build() for ValidityPeriod only; tests pass a fixed one.
  TwilioGateway(std::string name, double rate_per_second, TwilioSettings settings,
                Clock clock = &std::chrono::system_clock::now);

  std::string_view type() const override { return "twilio"; }
  bool has_receipts() const override { return true; }
  const TwilioSettings& settings() const { return settings_; }
  // {base_url}/2010-04-01/Accounts/{account_sid}/Messages.json
  const std::string& messages_url() const { return messages_url_; }

  // POST messages_url() with Basic auth and the form To, From or MessagingServiceSid, Body,
  // StatusCallback (when configured) and ValidityPeriod (when the message expires).
  // Pure except for ValidityPeriod: it is the time left until message.expires_at_unix, by
  // the clock, clamped to Twilio's 1..36000 s, so a retry asks for the same expiry instant
  // rather than a fresh full period.
  GatewayRequest build(const OutgoingMessage& message) const override;

  // 2xx with a sid: accepted (message_id = sid). 429 or code 20429: throttled, retry_after
  // from Retry-After (seconds). Code 21610: opted_out. 5xx, other statuses, timeouts and
  // transport errors: temporary. Other 4xx (21211, 21614, 401/403 credentials...):
  // permanent. Reasons name the status and code, never the number or the text.
  dispatch::SendResult classify(const OutgoingMessage& message,
                                const GatewayResponse& response) const override;

  // Status callback: signature checked first (forged), then MessageSid and MessageStatus
  // (malformed when missing or unknown).
  Parsed<DeliveryReceipt> parse_status(const CallbackRequest& request) const override;

  // Inbound SMS: signature checked first (forged), then From and Body (malformed when
  // missing).
  Parsed<InboundMessage> parse_inbound(const CallbackRequest& request) const override;

 private:
  // Nullopt when the call carries a valid X-Twilio-Signature, else why not.
  std::optional<std::string> signature_problem(const CallbackRequest& request) const;

  TwilioSettings settings_;
  Clock clock_;
  std::string messages_url_;
  std::string authorization_;  // "Basic base64(sid:token)", computed once
  // "From=..." or "MessagingServiceSid=...", and "StatusCallback=..." (empty when none),
  // form-encoded once: they are the same in every request.
  std::string sender_field_;
  std::string status_callback_field_;
};

// Registers the twilio type (GatewayConfig.twilio). The factory checks base_url (http or
// https, no path), account_sid (required, letters and digits), auth_token (a secret),
// exactly one of from and messaging_service_sid, and timeout_ms (100..120000, default
// 10000).
void register_twilio_gateway(GatewayRegistry& registry);

}  // namespace tocsin::adapters
