// Kannel's webhooks (delivery reports on the dlr-url, members' replies on the sms-service
// get-url) as the daemon reads them: the fuzz input becomes one call (method, target and
// query, headers, form pairs or a raw body), decoded as hook_routes.cpp decodes it, and
// read by a kannel gateway built through its factory. Most calls carry the shared secret
// (first in the query, or in the form), so most of the fuzzing happens past
// authentication, in the reading of the fields.
// Checks: no crash, no hang (run with -timeout); a refusal is forged or malformed with a
// short reason the JSON error body can carry; a call is forged exactly when the first
// `secret` (query, then form) is not ours; an authentic one is read exactly when its
// fields are valid (from and text for a reply; an id of letters, digits, - and _ and a
// known type for a report), with the values sent; the reason does not depend on the
// member's number or text; an encoded query or form decodes to the pairs sent.

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "adapters/registry.h"
#include "config/config.h"
#include "tests/fuzz/webhook_call.h"

namespace {

using namespace tocsin;
using fuzz::check;
using fuzz::Pairs;

constexpr char kSecret[] = "fuzz-Secret_0123.456~";

const adapters::Gateway& gateway() {
  static const std::unique_ptr<adapters::Gateway> built = [] {
    adapters::GatewayRegistry registry;
    adapters::register_builtin_gateways(registry);
    const std::string text = std::string(R"pb(http { public_url: "https://tocsin.example.org" }
        gateways { name: "k1" rate_per_second: 30 kannel {
          sendsms_url: "http://127.0.0.1:13013/cgi-bin/sendsms"
          username: "tocsin" password { inline: "p&ss" }
          webhook_secret { inline: ")pb") + kSecret + R"pb(" } } })pb";
    std::vector<std::string> errors;
    auto gateways = registry.build_all(config::parse_text(text, "fuzz.textproto"), &errors);
    check(gateways.size() == 1 && gateways.front()->type() == "kannel");
    return std::move(gateways.front());
  }();
  return *built;
}

constexpr std::string_view kPublicUrl = "https://tocsin.example.org";
constexpr std::string_view kHeaderNames[] = {"Content-Type", "User-Agent", "X-Kannel-From"};
constexpr std::string_view kNames[] = {"secret", "from", "to", "text", "id", "type",
                                       "smsc_reply", "ts", "Secret", "text ", ""};
constexpr std::string_view kValues[] = {
    kSecret, "fuzz-Secret_0123.456", "+15145550123", "15145550123", "OUI", "ARRÊT",
    "0123456789abcdef", "1", "2", "4", "8", "16", "32", "01", "-1", "3", "99999999999",
    "id:1 sub:001 dlvrd:000 submit date:2601011200 done date:2601011201 stat:UNDELIV err:001 "
    "text:OUI",
    "ACK/", "err:", "", "\xc3", "\xff\xfe", "%", "a&b=c", "+", "😀", "é"};
// The member's number and words: never in a reason.
constexpr std::string_view kPersonal[] = {"from", "to", "text"};

bool known_id(const std::string& id) {
  return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_';
  });
}

// Kannel's report types, written in decimal digits (leading zeros allowed).
bool known_type(const std::string& type) {
  if (type.empty() || !std::all_of(type.begin(), type.end(), [](char c) {
        return c >= '0' && c <= '9';
      })) {
    return false;
  }
  const std::string digits = type.substr(std::min(type.find_first_not_of('0'), type.size()));
  return digits == "1" || digits == "2" || digits == "4" || digits == "8" || digits == "16" ||
         digits == "32";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider input(data, size);
  const uint8_t flags = input.ConsumeIntegral<uint8_t>();
  const int secret_at = flags & 3;  // 0 as fuzzed, 1 first in the query, 2 first in the form, 3 wrong
  const bool form_content_type = (flags & 4) != 0;
  const bool raw_body = (flags & 8) != 0;
  const bool inbound = (flags & 64) != 0;

  fuzz::WebhookCall call;
  call.method = (flags & 128) != 0 ? "GET" : "POST";
  if (input.ConsumeIntegral<uint8_t>() == 0) call.method = input.ConsumeRandomLengthString(8);
  Pairs query = fuzz::consume_pairs(input, kNames, kValues, 8);
  Pairs form = fuzz::consume_pairs(input, kNames, kValues, 8);
  if (secret_at == 1) query.insert(query.begin(), {"secret", kSecret});
  if (secret_at == 2) form.insert(form.begin(), {"secret", kSecret});
  if (secret_at == 3) query.insert(query.begin(), {"secret", kSecret + std::string("x")});
  fuzz::maybe_inflate(input, input.ConsumeBool() ? &query : &form);
  call.target = inbound ? "/hooks/kannel/k1/inbound" : "/hooks/kannel/k1/dlr";
  if (!query.empty()) call.target += "?" + fuzz::form_encode(query);
  const std::string suffix = input.ConsumeRandomLengthString(16);
  call.target += suffix;
  if (form_content_type) call.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  for (auto& [name, value] : fuzz::consume_pairs(input, kHeaderNames, kValues, 3)) {
    call.headers.emplace_back(std::move(name), std::move(value));
  }
  call.body = raw_body ? input.ConsumeRemainingBytesAsString() : fuzz::form_encode(form);

  auto callback = fuzz::as_daemon_reads(call, kPublicUrl);
  if (!callback) return 0;  // the HTTP layer answers 400 before any gateway sees it
  if (suffix.empty()) check(callback->query == fuzz::as_decoded(query));
  if (form_content_type && !raw_body) check(callback->form == fuzz::as_decoded(form));

  adapters::CallbackRequest redacted = *callback;
  fuzz::redact(&redacted.query, kPersonal);
  fuzz::redact(&redacted.form, kPersonal);

  const std::string* secret = fuzz::first_of(callback->query, callback->form, "secret");
  const bool authentic = secret != nullptr && *secret == kSecret;
  auto field = [&](std::string_view name) {
    return fuzz::first_of(callback->query, callback->form, name);
  };
  const adapters::Gateway& kannel = gateway();

  if (inbound) {
    const auto parsed = kannel.parse_inbound(*callback);
    fuzz::check_answer(parsed);
    fuzz::check_same_reason(parsed, kannel.parse_inbound(redacted));
    if (!authentic) check(!parsed && parsed.error == adapters::CallbackError::forged);
    if (authentic) {
      const std::string* from = field("from");
      const std::string* text = field("text");
      const bool complete = from != nullptr && !from->empty() && text != nullptr;
      check(parsed.value.has_value() == complete);
      if (!complete) check(parsed.error == adapters::CallbackError::malformed);
      if (complete) {
        check(parsed.value->from == *from && parsed.value->text == *text);
        const std::string* to = field("to");
        check(parsed.value->to == (to ? *to : ""));
        const std::string* id = field("id");
        check(parsed.value->provider_message_id == (id && known_id(*id) ? *id : ""));
      }
    }
  } else {
    const auto parsed = kannel.parse_status(*callback);
    fuzz::check_answer(parsed);
    fuzz::check_same_reason(parsed, kannel.parse_status(redacted));
    if (!authentic) check(!parsed && parsed.error == adapters::CallbackError::forged);
    if (authentic) {
      const std::string* id = field("id");
      const std::string* type = field("type");
      const bool readable = id != nullptr && known_id(*id) && type != nullptr && known_type(*type);
      check(parsed.value.has_value() == readable);
      if (!readable) check(parsed.error == adapters::CallbackError::malformed);
      if (readable) {
        check(parsed.value->message_id == *id);
        const std::string& code = parsed.value->error_code;
        check(code.size() <= 8 && std::all_of(code.begin(), code.end(), [](char c) {
                return std::isalnum(static_cast<unsigned char>(c)) != 0;
              }));
        if (parsed.value->state != adapters::ReceiptState::failed) check(code.empty());
      }
    }
  }
  return 0;
}
