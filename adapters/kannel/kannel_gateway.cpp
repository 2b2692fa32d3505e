#include "adapters/kannel/kannel_gateway.h"

#include <curl/curl.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <memory>

#include "adapters/form_encode.h"
#include "adapters/http_failure.h"
#include "alerts/sms_encoding.h"
#include "config/quote.h"

namespace tocsin::adapters {
namespace {

using dispatch::Outcome;
using dispatch::SendResult;

constexpr int kMinTimeoutMs = 100;
constexpr int kMaxTimeoutMs = 120000;
constexpr int kDefaultTimeoutMs = 10000;
// A shared secret is all that tells Kannel's calls from anyone's: long enough not to guess.
constexpr size_t kMinSecretLength = 16;
// GSM allows 11 alphanumeric or about 15 digits; 20 leaves room for a prefix.
constexpr size_t kMaxFromLength = 20;
// Kannel's error texts are one short sentence; anything longer is not Kannel's.
constexpr size_t kMaxReasonLength = 100;

std::string escaped(std::string_view value) {
  std::string out;
  append_form_escaped(&out, value);
  return out;
}

bool is_unreserved(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '.' || c == '_' ||
         c == '~';
}

// Kannel's answer as a log-safe reason: its first line, printable ASCII only, digit runs
// of 3 or more masked (Kannel does not echo numbers, but a proxy in front of it might).
std::string sanitized(std::string_view text) {
  text = text.substr(0, text.find_first_of("\r\n"));
  std::string out;
  for (size_t i = 0; i < text.size() && out.size() < kMaxReasonLength;) {
    if (std::isdigit(static_cast<unsigned char>(text[i])) != 0) {
      size_t end = i;
      while (end < text.size() && std::isdigit(static_cast<unsigned char>(text[end])) != 0) {
        ++end;
      }
      out.append(end - i >= 3 ? std::string_view("#") : text.substr(i, end - i));
      i = end;
      continue;
    }
    const char c = text[i++];
    out.push_back(c >= 0x20 && c < 0x7f ? c : '?');
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// "0: Accepted for delivery" and "3: Queued for later delivery" (Kannel 1.4), "Sent."
// (older releases). A 2xx with anything else is not from a Kannel smsbox.
bool is_kannel_acceptance(std::string_view body) {
  return body.rfind("0:", 0) == 0 || body.rfind("3:", 0) == 0 || body.rfind("Sent.", 0) == 0;
}

// --- factory checks ----------------------------------------------------------------------

std::optional<std::string> url_part(CURLU* url, CURLUPart which) {
  char* value = nullptr;
  if (curl_url_get(url, which, &value, 0) != CURLUE_OK || value == nullptr) return std::nullopt;
  std::string out(value);
  curl_free(value);
  return out;
}

// http(s)://host[:port]/path, no credentials, query or fragment: build() appends the query.
bool valid_sendsms_url(const std::string& text) {
  std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> url(curl_url(), &curl_url_cleanup);
  if (!url || curl_url_set(url.get(), CURLUPART_URL, text.c_str(), 0) != CURLUE_OK) return false;
  const auto scheme = url_part(url.get(), CURLUPART_SCHEME);
  if (!scheme || (*scheme != "http" && *scheme != "https")) return false;
  if (text.rfind(*scheme + "://", 0) != 0) return false;
  return !url_part(url.get(), CURLUPART_USER) && !url_part(url.get(), CURLUPART_QUERY) &&
         !url_part(url.get(), CURLUPART_FRAGMENT) && text.find_first_of("?#") == std::string::npos;
}

bool valid_from(const std::string& from) {
  return from.size() <= kMaxFromLength &&
         std::all_of(from.begin(), from.end(), [](char c) { return c >= 0x20 && c < 0x7f; });
}

std::unique_ptr<Gateway> make_kannel(const config::GatewayConfig& entry,
                                     const FactoryContext& context, std::string* error) {
  const config::KannelGatewayConfig& kannel = entry.kannel();
  KannelSettings settings;
  if (kannel.sendsms_url().empty()) {
    *error = "kannel.sendsms_url: required";
    return nullptr;
  }
  if (!valid_sendsms_url(kannel.sendsms_url())) {
    *error = "kannel.sendsms_url: expected http(s)://host:port/path with no query, got " +
             config::in_quotes(kannel.sendsms_url());
    return nullptr;
  }
  settings.sendsms_url = kannel.sendsms_url();
  if (kannel.username().empty()) {
    *error = "kannel.username: required";
    return nullptr;
  }
  settings.username = kannel.username();
  if (!valid_from(kannel.from())) {
    *error = "kannel.from: at most " + std::to_string(kMaxFromLength) +
             " printable characters, got " + config::in_quotes(kannel.from());
    return nullptr;
  }
  settings.from = kannel.from();
  const int timeout_ms = kannel.timeout_ms() == 0 ? kDefaultTimeoutMs : kannel.timeout_ms();
  if (timeout_ms < kMinTimeoutMs || timeout_ms > kMaxTimeoutMs) {
    *error = "kannel.timeout_ms: must be between " + std::to_string(kMinTimeoutMs) + " and " +
             std::to_string(kMaxTimeoutMs) + ", got " + std::to_string(timeout_ms);
    return nullptr;
  }
  settings.timeout = std::chrono::milliseconds(timeout_ms);
  if (!kannel.has_password()) {
    *error = "kannel.password: required";
    return nullptr;
  }
  if (!kannel.has_webhook_secret()) {
    *error = "kannel.webhook_secret: required";
    return nullptr;
  }
  // Both throw config::ConfigError for an unreadable secret; the registry reports it.
  settings.password = context.secret(kannel.password(), "kannel.password");
  settings.webhook_secret = context.secret(kannel.webhook_secret(), "kannel.webhook_secret");
  if (settings.password.empty()) {
    *error = "kannel.password: is empty";
    return nullptr;
  }
  // The secret is never quoted in the error: it is a secret.
  if (settings.webhook_secret.size() < kMinSecretLength ||
      !std::all_of(settings.webhook_secret.begin(), settings.webhook_secret.end(), is_unreserved)) {
    *error = "kannel.webhook_secret: at least " + std::to_string(kMinSecretLength) +
             " characters, letters, digits and -._~ only (it travels in URLs)";
    return nullptr;
  }
  if (!context.public_url.empty()) {
    std::string public_url = context.public_url;
    // Kannel expands every %X of a dlr-url it knows (%A, %C, %D, %F...), so a
    // percent-escaped public URL would come back altered.
    if (public_url.find('%') != std::string::npos) {
      *error =
          "kannel: http.public_url must not contain '%' (Kannel would expand it in "
          "the dlr-url)";
      return nullptr;
    }
    if (public_url.back() == '/') public_url.pop_back();
    settings.dlr_base_url = public_url + "/hooks/kannel/" + entry.name() + "/dlr";
  }
  return std::make_unique<KannelGateway>(entry.name(), entry.rate_per_second(),
                                         std::move(settings));
}

}  // namespace

std::string kannel_message_id(std::string_view idempotency_key) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(idempotency_key.data(), idempotency_key.size(), digest, &length, EVP_sha256(),
             nullptr);
  // 8 bytes = 64 bits: no collision to fear among the messages of any one gateway, and
  // short enough for a Redis key and a dlr-url.
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id;
  for (unsigned int i = 0; i < 8 && i < length; ++i) {
    id.push_back(kHex[digest[i] >> 4]);
    id.push_back(kHex[digest[i] & 0x0f]);
  }
  return id;
}

KannelGateway::KannelGateway(std::string name, double rate_per_second, KannelSettings settings,
                             Clock clock)
    : Gateway(std::move(name), "sms", rate_per_second),
      settings_(std::move(settings)),
      clock_(std::move(clock)) {
  append_form_field(&fixed_query_, "username", settings_.username);
  append_form_field(&fixed_query_, "password", settings_.password);
  if (!settings_.from.empty()) append_form_field(&fixed_query_, "from", settings_.from);
  escaped_secret_ = escaped(settings_.webhook_secret);
}

GatewayRequest KannelGateway::build(const OutgoingMessage& message) const {
  HttpRequest request;
  request.method = "GET";
  request.timeout = settings_.timeout;
  std::string query = fixed_query_;
  query.reserve(query.size() + 3 * message.text.size() + 3 * settings_.dlr_base_url.size() + 160);
  append_form_field(&query, "to", message.to);
  append_form_field(&query, "text", message.text);
  // Kannel converts the UTF-8 text to the coding asked for: GSM-7 (0) or UCS-2 (2). Left
  // to itself it would send UCS-2 text as 7-bit with the characters it cannot map lost.
  append_form_field(&query, "charset", "UTF-8");
  const bool ucs2 = alerts::measure_sms(message.text).encoding == alerts::SmsEncoding::ucs2;
  append_form_field(&query, "coding", ucs2 ? "2" : "0");
  if (!settings_.dlr_base_url.empty()) {
    append_form_field(&query, "dlr-mask", std::to_string(kKannelDlrMask));
    // Escaped as one value: Kannel decodes it once, leaving %d and %A for its expansion,
    // and the inner '&'s for the callback's own query.
    const std::string dlr_url = settings_.dlr_base_url + "?secret=" + escaped_secret_ +
                                "&id=" + kannel_message_id(message.idempotency_key) +
                                "&type=%d&smsc_reply=%A";
    append_form_field(&query, "dlr-url", dlr_url);
  }
  if (message.expires_at_unix != 0) {
    const int64_t now =
        std::chrono::duration_cast<std::chrono::seconds>(clock_().time_since_epoch()).count();
    // Whole minutes, rounded down, so the carrier gives up before the alert expires.
    const int64_t minutes = std::max<int64_t>(1, (message.expires_at_unix - now) / 60);
    append_form_field(&query, "validity", std::to_string(minutes));
  }
  request.url = settings_.sendsms_url + "?" + query;
  return request;
}

SendResult KannelGateway::classify(const OutgoingMessage& message,
                                   const GatewayResponse& response) const {
  if (auto unanswered = unanswered_request("kannel", response)) {
    // Kannel's receipts carry our own id back (the dlr-url holds it): if the smsbox did
    // take the message, its receipt still finds the member.
    if (unanswered->outcome == Outcome::unconfirmed) {
      unanswered->message_id = kannel_message_id(message.idempotency_key);
    }
    return *unanswered;
  }
  SendResult result;
  const int status = response.http_status;
  const std::string said = sanitized(response.body);
  if (status >= 200 && status < 300) {
    if (is_kannel_acceptance(response.body)) {
      result.outcome = Outcome::accepted;
      result.message_id = kannel_message_id(message.idempotency_key);
      return result;
    }
    // A web server other than an smsbox answering at sendsms_url: nothing was sent, and
    // the gateway is misconfigured (see below).
    result.outcome = Outcome::temporary;
    result.reason = "kannel http " + std::to_string(status) +
                    ": not a Kannel answer (is sendsms_url an smsbox?)";
    return result;
  }
  result.reason = "kannel http " + std::to_string(status) + (said.empty() ? "" : ": " + said);
  if (status == 403 || status == 404) {
    // 403 is Kannel's "Authorization failed for sendsms" (our username or password), 404 a
    // sendsms_url with the wrong path. The gateway is misconfigured, not the member's
    // number: temporary, as twilio treats a refused login, so it counts against this
    // gateway's health (its share goes to the others) and the member is retried, never
    // failed or sent to email for our mistake.
    result.outcome = Outcome::temporary;
    result.reason += status == 403 ? " (check the gateway's username and password)"
                                   : " (check the gateway's sendsms_url)";
  } else if (status >= 400 && status < 500) {
    // "Missing receiver number", "Number(s) has/have been denied by white- and/or
    // black-lists", "Charset or body misformed"...: this message as built cannot go.
    result.outcome = Outcome::permanent;
  } else {
    // 503 "Temporal failure, try again later" (bearerbox unreachable or its queue full),
    // other 5xx, and statuses an smsbox never answers.
    result.outcome = Outcome::temporary;
  }
  return result;
}

void register_kannel_gateway(GatewayRegistry& registry) {
  registry.add(config::GatewayConfig::kKannel, "kannel", &make_kannel);
}

}  // namespace tocsin::adapters
