#include "adapters/twilio/twilio_gateway.h"

#include <curl/curl.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <memory>

#include "adapters/form_encode.h"
#include "adapters/http_failure.h"
#include "adapters/twilio/twilio_answer.h"
#include "adapters/twilio/twilio_signature.h"
#include "config/quote.h"

namespace tocsin::adapters {
namespace {

using dispatch::Outcome;
using dispatch::SendResult;

// Twilio's bounds for ValidityPeriod: it refuses anything outside 1..36000 seconds.
constexpr int64_t kMinValiditySeconds = 1;
constexpr int64_t kMaxValiditySeconds = 36000;
constexpr int kMinTimeoutMs = 100;
constexpr int kMaxTimeoutMs = 120000;
constexpr int kDefaultTimeoutMs = 10000;
// A status word from a signed callback is Twilio's, but it still goes into a log line.
constexpr size_t kMaxQuotedStatus = 32;

std::string base64(std::string_view data) {
  std::string out(4 * ((data.size() + 2) / 3), '\0');
  const int length = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                     reinterpret_cast<const unsigned char*>(data.data()),
                                     static_cast<int>(data.size()));
  out.resize(static_cast<size_t>(length));
  return out;
}

bool same_name(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

const std::string* find_header(const Headers& headers, std::string_view name) {
  for (const auto& [key, value] : headers) {
    if (same_name(key, name)) return &value;
  }
  return nullptr;
}

const std::string* find_param(const std::vector<std::pair<std::string, std::string>>& params,
                              std::string_view name) {
  for (const auto& [key, value] : params) {
    if (key == name) return &value;
  }
  return nullptr;
}

// Retry-After in seconds; its HTTP-date form is not worth parsing for a provider that
// sends seconds, so it yields nothing and the backoff applies.
std::optional<std::chrono::milliseconds> retry_after(const Headers& headers) {
  const std::string* value = find_header(headers, "Retry-After");
  if (value == nullptr) return std::nullopt;
  int64_t seconds = 0;
  const char* end = value->data() + value->size();
  const auto [stop, error] = std::from_chars(value->data(), end, seconds);
  if (error != std::errc{} || stop != end || seconds < 0) return std::nullopt;
  return std::chrono::seconds(seconds);
}

// "twilio 21211 invalid number", "twilio http 503 (code 20500)", "twilio http 404".
std::string reason_for(int http_status, int code) {
  std::string reason = "twilio ";
  const std::string_view known = twilio::describe_error_code(code);
  if (!known.empty()) {
    reason += std::to_string(code) + " " + std::string(known) + " (http " +
              std::to_string(http_status) + ")";
    return reason;
  }
  reason += "http " + std::to_string(http_status);
  if (code != 0) reason += " (code " + std::to_string(code) + ")";
  return reason;
}

// A status word for a reason: its first kMaxQuotedStatus bytes, quoted, with bytes outside
// ASCII shown as '?' (Twilio's words are ASCII). Cut anywhere, or not UTF-8 at all, they
// would make the reason invalid UTF-8, and a reason goes into the JSON answer and a log
// line.
std::string quoted_status(std::string_view status) {
  std::string ascii(status.substr(0, kMaxQuotedStatus));
  for (char& c : ascii) {
    if (static_cast<unsigned char>(c) >= 0x80) c = '?';
  }
  return config::in_quotes(ascii);
}

std::optional<ReceiptState> receipt_state(std::string_view status) {
  // Twilio's MessageStatus values for an outgoing message. "scheduled" waits at Twilio;
  // "read" (WhatsApp, RCS) implies delivered; "canceled" never leaves Twilio.
  if (status == "queued" || status == "accepted" || status == "sending" || status == "scheduled") {
    return ReceiptState::queued;
  }
  if (status == "sent") return ReceiptState::sent;
  if (status == "delivered" || status == "read") return ReceiptState::delivered;
  if (status == "failed" || status == "undelivered" || status == "canceled") {
    return ReceiptState::failed;
  }
  return std::nullopt;
}

// --- factory checks ----------------------------------------------------------------------

// Letters and digits only: the sid is a path segment of every request URL.
bool is_sid(const std::string& text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0;
  });
}

// base_url must be http(s)://host[:port] with no path, query or credentials; returns it
// without a trailing '/', or nullopt.
std::optional<std::string> checked_base_url(std::string text) {
  if (!text.empty() && text.back() == '/') text.pop_back();
  std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> url(curl_url(), &curl_url_cleanup);
  if (!url || curl_url_set(url.get(), CURLUPART_URL, text.c_str(), 0) != CURLUE_OK) {
    return std::nullopt;
  }
  auto part = [&url](CURLUPart which) -> std::optional<std::string> {
    char* value = nullptr;
    if (curl_url_get(url.get(), which, &value, 0) != CURLUE_OK || value == nullptr) {
      return std::nullopt;
    }
    std::string out(value);
    curl_free(value);
    return out;
  };
  const auto scheme = part(CURLUPART_SCHEME);
  if (!scheme || (*scheme != "http" && *scheme != "https")) return std::nullopt;
  // libcurl accepts "api.twilio.com" with no scheme only when asked to guess; require the
  // scheme in the text too, so "https" is never silently assumed or dropped.
  if (text.rfind(*scheme + "://", 0) != 0) return std::nullopt;
  const auto path = part(CURLUPART_PATH);
  if (part(CURLUPART_USER) || part(CURLUPART_QUERY) || part(CURLUPART_FRAGMENT) ||
      (path && *path != "/" && !path->empty())) {
    return std::nullopt;
  }
  if (text.find_first_of("?#", scheme->size() + 3) != std::string::npos) return std::nullopt;
  return text;
}

std::unique_ptr<Gateway> make_twilio(const config::GatewayConfig& entry,
                                     const FactoryContext& context, std::string* error) {
  const config::TwilioGatewayConfig& twilio = entry.twilio();
  TwilioSettings settings;
  if (!twilio.base_url().empty()) {
    auto base_url = checked_base_url(twilio.base_url());
    if (!base_url) {
      *error = "twilio.base_url: expected http(s)://host[:port] with no path, got " +
               config::in_quotes(twilio.base_url());
      return nullptr;
    }
    settings.base_url = std::move(*base_url);
  }
  if (twilio.account_sid().empty()) {
    *error = "twilio.account_sid: required";
    return nullptr;
  }
  if (!is_sid(twilio.account_sid())) {
    *error = "twilio.account_sid: letters and digits only, got " +
             config::in_quotes(twilio.account_sid());
    return nullptr;
  }
  settings.account_sid = twilio.account_sid();
  if (twilio.from().empty() == twilio.messaging_service_sid().empty()) {
    *error = twilio.from().empty() ? "twilio.from: required (or set messaging_service_sid instead)"
                                   : "twilio.from: set only one of from and messaging_service_sid";
    return nullptr;
  }
  if (!twilio.messaging_service_sid().empty() && !is_sid(twilio.messaging_service_sid())) {
    *error = "twilio.messaging_service_sid: letters and digits only, got " +
             config::in_quotes(twilio.messaging_service_sid());
    return nullptr;
  }
  settings.from = twilio.from();
  settings.messaging_service_sid = twilio.messaging_service_sid();
  const int timeout_ms = twilio.timeout_ms() == 0 ? kDefaultTimeoutMs : twilio.timeout_ms();
  if (timeout_ms < kMinTimeoutMs || timeout_ms > kMaxTimeoutMs) {
    *error = "twilio.timeout_ms: must be between " + std::to_string(kMinTimeoutMs) + " and " +
             std::to_string(kMaxTimeoutMs) + ", got " + std::to_string(timeout_ms);
    return nullptr;
  }
  settings.timeout = std::chrono::milliseconds(timeout_ms);
  // Throws config::ConfigError for an unreadable secret; the registry reports it.
  settings.auth_token = context.secret(twilio.auth_token(), "twilio.auth_token");
  if (settings.auth_token.empty()) {
    *error = "twilio.auth_token: required";
    return nullptr;
  }
  if (!context.public_url.empty()) {
    std::string public_url = context.public_url;
    if (public_url.back() == '/') public_url.pop_back();
    settings.status_callback_url = public_url + "/hooks/twilio/" + entry.name() + "/status";
  }
  return std::make_unique<TwilioGateway>(entry.name(), entry.rate_per_second(),
                                         std::move(settings));
}

}  // namespace

TwilioGateway::TwilioGateway(std::string name, double rate_per_second, TwilioSettings settings,
                             Clock clock)
    : Gateway(std::move(name), "sms", rate_per_second),
      settings_(std::move(settings)),
      clock_(std::move(clock)) {
  messages_url_ =
      settings_.base_url + "/2010-04-01/Accounts/" + settings_.account_sid + "/Messages.json";
  authorization_ = "Basic " + base64(settings_.account_sid + ":" + settings_.auth_token);
  // The fields that are the same in every request, encoded once.
  if (!settings_.from.empty()) {
    append_form_field(&sender_field_, "From", settings_.from);
  } else {
    append_form_field(&sender_field_, "MessagingServiceSid", settings_.messaging_service_sid);
  }
  if (!settings_.status_callback_url.empty()) {
    append_form_field(&status_callback_field_, "StatusCallback", settings_.status_callback_url);
  }
}

GatewayRequest TwilioGateway::build(const OutgoingMessage& message) const {
  HttpRequest request;
  request.method = "POST";
  request.url = messages_url_;
  request.timeout = settings_.timeout;
  request.headers = {{"Authorization", authorization_},
                     {"Content-Type", "application/x-www-form-urlencoded"}};
  // To, From (or MessagingServiceSid), Body, StatusCallback, ValidityPeriod, in that order.
  std::string& form = request.body;
  form.reserve(64 + 3 * (message.to.size() + message.text.size()) + sender_field_.size() +
               status_callback_field_.size());
  append_form_field(&form, "To", message.to);
  form.push_back('&');
  form.append(sender_field_);
  append_form_field(&form, "Body", message.text);
  if (!status_callback_field_.empty()) {
    form.push_back('&');
    form.append(status_callback_field_);
  }
  if (message.expires_at_unix != 0) {
    const int64_t now =
        std::chrono::duration_cast<std::chrono::seconds>(clock_().time_since_epoch()).count();
    const int64_t left =
        std::clamp(message.expires_at_unix - now, kMinValiditySeconds, kMaxValiditySeconds);
    append_form_field(&form, "ValidityPeriod", std::to_string(left));
  }
  return request;
}

SendResult TwilioGateway::classify(const OutgoingMessage& message,
                                   const GatewayResponse& response) const {
  if (auto unanswered = unanswered_request("twilio", response)) return *unanswered;
  SendResult result;
  const int status = response.http_status;
  if (status >= 200 && status < 300) {
    result.outcome = Outcome::accepted;
    auto sid = twilio::json_scalar(response.body, "sid");
    if (sid && !sid->empty() && sid->size() <= 64 &&
        sid->find_first_of(" \t\r\n\\\"") == std::string::npos) {
      result.message_id = std::move(*sid);
    } else {
      // Taken, but with no id to match receipts against. Sending again would duplicate
      // the SMS, so it counts as accepted under our own key and its receipts are lost.
      result.message_id = "twilio-" + message.idempotency_key;
      result.reason = "twilio accepted the message without a sid";
    }
    return result;
  }
  const int code = twilio::error_code(response.body);
  result.reason = reason_for(status, code);
  if (status == 429 || code == 20429) {
    result.outcome = Outcome::throttled;
    result.retry_after = retry_after(response.headers);
  } else if (code == 21610 && status >= 400 && status < 500) {
    result.outcome = Outcome::opted_out;
  } else if (status == 401 || status == 403 || code == 20003 || code == 20404) {
    // Our credentials or account sid are wrong: the gateway is broken, not the member's
    // number. Temporary, so it counts against this gateway's health (failover to another
    // one) and the member is retried, never failed or sent to email for our mistake.
    result.outcome = Outcome::temporary;
  } else if (status >= 400 && status < 500) {
    // Invalid number, not a mobile, rejected content: nothing a retry can change.
    result.outcome = Outcome::permanent;
  } else {
    // 5xx, and statuses a Messages API never answers (3xx from a misrouted base_url).
    result.outcome = Outcome::temporary;
  }
  return result;
}

std::optional<std::string> TwilioGateway::signature_problem(const CallbackRequest& request) const {
  const std::string* signature = find_header(request.headers, "X-Twilio-Signature");
  if (signature == nullptr || signature->empty()) return "missing X-Twilio-Signature";
  if (!twilio::signature_matches(settings_.auth_token, request.public_url, request.form,
                                 *signature)) {
    return "X-Twilio-Signature does not match";
  }
  return std::nullopt;
}

Parsed<DeliveryReceipt> TwilioGateway::parse_status(const CallbackRequest& request) const {
  using Result = Parsed<DeliveryReceipt>;
  if (auto problem = signature_problem(request)) {
    return Result::fail(CallbackError::forged, *problem);
  }
  const std::string* sid = find_param(request.form, "MessageSid");
  if (sid == nullptr || sid->empty())
    return Result::fail(CallbackError::malformed, "no MessageSid");
  const std::string* status = find_param(request.form, "MessageStatus");
  if (status == nullptr) return Result::fail(CallbackError::malformed, "no MessageStatus");
  const auto state = receipt_state(*status);
  if (!state) {
    return Result::fail(CallbackError::malformed,
                        "unknown MessageStatus " + quoted_status(*status));
  }
  DeliveryReceipt receipt;
  receipt.message_id = *sid;
  receipt.state = *state;
  receipt.provider_status = *status;
  if (const std::string* code = find_param(request.form, "ErrorCode")) receipt.error_code = *code;
  return Result::ok(std::move(receipt));
}

Parsed<InboundMessage> TwilioGateway::parse_inbound(const CallbackRequest& request) const {
  using Result = Parsed<InboundMessage>;
  if (auto problem = signature_problem(request)) {
    return Result::fail(CallbackError::forged, *problem);
  }
  const std::string* from = find_param(request.form, "From");
  if (from == nullptr || from->empty()) return Result::fail(CallbackError::malformed, "no From");
  const std::string* body = find_param(request.form, "Body");
  if (body == nullptr) return Result::fail(CallbackError::malformed, "no Body");
  InboundMessage inbound;
  inbound.from = *from;
  if (const std::string* to = find_param(request.form, "To")) inbound.to = *to;
  inbound.text = *body;
  if (const std::string* sid = find_param(request.form, "MessageSid")) {
    inbound.provider_message_id = *sid;
  }
  return Result::ok(std::move(inbound));
}

void register_twilio_gateway(GatewayRegistry& registry) {
  registry.add(config::GatewayConfig::kTwilio, "twilio", &make_twilio);
}

}  // namespace tocsin::adapters
