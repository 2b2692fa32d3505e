// Twilio's webhooks (status callback and inbound SMS) as the daemon reads them: the fuzz
// input becomes one call (method, target and query, headers, form pairs or a raw body),
// decoded as hook_routes.cpp decodes it, and read by a twilio gateway built through its
// factory. Half the calls carry a valid X-Twilio-Signature (over the URL as called, or
// over its variant with or without the default port), so most of the fuzzing happens past
// authentication, in the reading of the fields.
// Checks: no crash, no hang (run with -timeout); a refusal is forged or malformed with a
// short reason the JSON error body can carry; an unsigned or wrongly signed call is
// forged (a fuzzed signature never matches), a validly signed one never is; a signed one is read exactly when its required
// fields are there, with the values sent; the reason does not depend on the member's
// number or text; an encoded form decodes to the pairs sent.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "adapters/registry.h"
#include "adapters/twilio/twilio_signature.h"
#include "config/config.h"
#include "tests/fuzz/webhook_call.h"

namespace {

using namespace tocsin;
using fuzz::check;
using fuzz::Pairs;

constexpr char kToken[] = "fuzz-auth-token-7f3a";

const adapters::Gateway& gateway() {
  static const std::unique_ptr<adapters::Gateway> built = [] {
    adapters::GatewayRegistry registry;
    adapters::register_builtin_gateways(registry);
    const std::string text = std::string(R"pb(http { public_url: "https://tocsin.example.org" }
        gateways { name: "tw" rate_per_second: 30 twilio {
          account_sid: "AC0123456789abcdef0123456789abcdef"
          auth_token { inline: ")pb") + kToken + R"pb(" }
          from: "+15145550100" } })pb";
    std::vector<std::string> errors;
    auto gateways = registry.build_all(config::parse_text(text, "fuzz.textproto"), &errors);
    check(gateways.size() == 1 && gateways.front()->type() == "twilio");
    return std::move(gateways.front());
  }();
  return *built;
}

constexpr std::string_view kPublicUrls[] = {
    "https://tocsin.example.org", "https://tocsin.example.org:443", "http://127.0.0.1:8080",
    "http://[::1]:80", "https://tocsin.example.org/base"};
constexpr std::string_view kHeaderNames[] = {"X-Twilio-Signature", "x-twilio-signature",
                                             "Content-Type", "I-Twilio-Idempotency-Token",
                                             "User-Agent"};
constexpr std::string_view kNames[] = {
    "From", "To", "Body", "MessageSid", "SmsSid", "MessageStatus", "ErrorCode", "AccountSid",
    "NumMedia", "NumSegments", "ApiVersion", "from", "body", "From ", ""};
constexpr std::string_view kValues[] = {
    "+15145550123", "+18195551234", "OUI", "non merci", "STOP", "ARRÊT", "SM0123456789abcdef",
    "queued", "sent", "delivered", "undelivered", "failed", "read", "canceled", "30003", "",
    "\xc3", "\xff\xfe", "%", "%00", "a&b=c", "+", "😀"};
// The member's number and words: never in a reason.
constexpr std::string_view kPersonal[] = {"From", "To", "Body"};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider input(data, size);
  const uint8_t flags = input.ConsumeIntegral<uint8_t>();
  const int signing = flags & 3;  // 0 none, 1 valid, 2 valid for a URL variant, 3 wrong
  const bool form_content_type = (flags & 12) != 12;
  const bool raw_body = (flags & 16) != 0;
  const bool inbound = (flags & 128) != 0;

  fuzz::WebhookCall call;
  call.method = input.ConsumeBool() ? "POST" : input.ConsumeRandomLengthString(8);
  const std::string_view public_url = input.PickValueInArray(kPublicUrls);
  call.target = inbound ? "/hooks/twilio/tw/inbound" : "/hooks/twilio/tw/status";
  const Pairs query = fuzz::consume_pairs(input, kNames, kValues, 3);
  if (!query.empty()) call.target += "?" + fuzz::form_encode(query);
  const std::string suffix = input.ConsumeRandomLengthString(16);
  call.target += suffix;
  if (form_content_type) {
    call.headers.emplace_back("Content-Type", input.ConsumeBool()
                                                  ? "application/x-www-form-urlencoded"
                                                  : "application/x-www-form-urlencoded; charset=UTF-8");
  }
  for (auto& [name, value] : fuzz::consume_pairs(input, kHeaderNames, kValues, 3)) {
    call.headers.emplace_back(std::move(name), std::move(value));
  }
  Pairs form = fuzz::consume_pairs(input, kNames, kValues, 8);
  fuzz::maybe_inflate(input, &form);
  call.body = raw_body ? input.ConsumeRemainingBytesAsString() : fuzz::form_encode(form);

  auto callback = fuzz::as_daemon_reads(call, public_url);
  if (!callback) return 0;  // the HTTP layer answers 400 before any gateway sees it
  if (suffix.empty()) check(callback->query == fuzz::as_decoded(query));
  if (form_content_type && !raw_body) check(callback->form == fuzz::as_decoded(form));

  // Twilio signs the URL it called with the parameters it sent (what the daemon decoded).
  auto sign = [&](adapters::CallbackRequest* request) {
    if (signing == 0) return;
    std::string url = request->public_url;
    if (signing == 2) url = adapters::twilio::signature_url_variants(url).back();
    std::string signature = adapters::twilio::twilio_signature(kToken, url, request->form);
    if (signing == 3) signature = adapters::twilio::twilio_signature("guessed", url, request->form);
    // First, so the gateway reads this one rather than a fuzzed header of that name.
    request->headers.insert(request->headers.begin(), {"x-twilio-signature", signature});
  };
  adapters::CallbackRequest redacted = *callback;
  sign(&*callback);
  fuzz::redact(&redacted.form, kPersonal);
  sign(&redacted);

  const bool authentic = signing == 1 || signing == 2;
  const Pairs none;
  const adapters::Gateway& twilio = gateway();

  if (inbound) {
    const auto parsed = twilio.parse_inbound(*callback);
    fuzz::check_answer(parsed);
    fuzz::check_same_reason(parsed, twilio.parse_inbound(redacted));
    if (!authentic) check(!parsed && parsed.error == adapters::CallbackError::forged);
    if (authentic) {
      const std::string* from = fuzz::first_of(none, callback->form, "From");
      const std::string* body = fuzz::first_of(none, callback->form, "Body");
      const bool complete = from != nullptr && !from->empty() && body != nullptr;
      check(parsed.value.has_value() == complete);
      if (!complete) check(parsed.error == adapters::CallbackError::malformed);
      if (complete) {
        check(parsed.value->from == *from && parsed.value->text == *body);
        const std::string* to = fuzz::first_of(none, callback->form, "To");
        check(parsed.value->to == (to ? *to : ""));
      }
    }
  } else {
    const auto parsed = twilio.parse_status(*callback);
    fuzz::check_answer(parsed);
    fuzz::check_same_reason(parsed, twilio.parse_status(redacted));
    if (!authentic) check(!parsed && parsed.error == adapters::CallbackError::forged);
    if (authentic) {
      if (!parsed) check(parsed.error == adapters::CallbackError::malformed);
      if (parsed) {
        const std::string* sid = fuzz::first_of(none, callback->form, "MessageSid");
        const std::string* status = fuzz::first_of(none, callback->form, "MessageStatus");
        check(sid != nullptr && parsed.value->message_id == *sid && !sid->empty());
        check(status != nullptr && parsed.value->provider_status == *status);
      }
    }
  }
  return 0;
}
