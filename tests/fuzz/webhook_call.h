#pragma once
// What the webhook fuzz targets share: a fuzz input split into the parts of one webhook
// call (method, target and its query pairs, headers, form pairs, body), the
// adapters::CallbackRequest the daemon makes of it (the decoding daemon/api/hook_routes.cpp
// does before a gateway reads the call), and the checks every gateway's answer must pass.
//
// Names and values are often taken from a short list of the real ones (From, MessageSid,
// secret, a phone number...), so the fuzzer gets to the fields a gateway reads instead of
// spending its time on names no gateway looks at; the rest are arbitrary bytes (invalid
// UTF-8, NUL, '%' escapes, '&' and '=').

#include <curl/curl.h>
#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "adapters/gateway.h"
#include "http/json.h"
#include "http/message.h"
#include "members/text_fold.h"
#include "proto/tocsin.pb.h"

namespace tocsin::fuzz {

using Pairs = std::vector<std::pair<std::string, std::string>>;

inline void check(bool condition) {
  if (!condition) std::abort();
}

// A huge value: four times what the HTTP layer lets through (16 KiB bodies), to show the
// gateways' own reading does not depend on that limit.
inline constexpr size_t kHugeField = 64 * 1024;

// One of `words`, or arbitrary bytes.
inline std::string word_or_bytes(FuzzedDataProvider& input, std::span<const std::string_view> words) {
  if (input.ConsumeBool()) {
    return std::string(words[input.ConsumeIntegralInRange<size_t>(0, words.size() - 1)]);
  }
  return input.ConsumeRandomLengthString(64);
}

inline Pairs consume_pairs(FuzzedDataProvider& input, std::span<const std::string_view> names,
                           std::span<const std::string_view> values, size_t most) {
  Pairs pairs(input.ConsumeIntegralInRange<size_t>(0, most));
  for (auto& [name, value] : pairs) {
    name = word_or_bytes(input, names);
    value = word_or_bytes(input, values);
  }
  return pairs;
}

// For one byte value in 16 (few, since huge values are slow to sign and escape; not
// for 0, what an exhausted input reads): one value of `pairs` repeated to kHugeField bytes.
inline void maybe_inflate(FuzzedDataProvider& input, Pairs* pairs) {
  if (input.ConsumeIntegral<uint8_t>() < 240 || pairs->empty()) return;
  std::string& value = (*pairs)[input.ConsumeIntegralInRange<size_t>(0, pairs->size() - 1)].second;
  const std::string unit = value.empty() ? "é" : value;
  while (value.size() < kHugeField) value += unit;
}

// application/x-www-form-urlencoded as a provider writes it (libcurl's escaping: every
// byte but letters, digits and -._~ as %XX).
inline std::string form_encode(const Pairs& pairs) {
  std::string out;
  auto append = [&out](const std::string& text) {
    std::unique_ptr<char, decltype(&curl_free)> escaped(
        curl_easy_escape(nullptr, text.data(), static_cast<int>(text.size())), &curl_free);
    if (escaped) out += escaped.get();
  };
  for (const auto& [name, value] : pairs) {
    if (!out.empty()) out += '&';
    append(name);
    out += '=';
    append(value);
  }
  return out;
}

// hook_routes.cpp's decode_form, which is private to that file: the body read as the
// query string of "/?" by http::parse_target, all pairs dropped when it does not decode.
inline Pairs decode_form(std::string_view body) {
  std::string path;
  std::multimap<std::string, std::string> fields;
  std::string target = "/?";
  target.append(body);
  if (!http::parse_target(target, &path, &fields)) return {};
  return {fields.begin(), fields.end()};
}

// What decode_form gives back for pairs a provider encoded: the same pairs, grouped by
// name (a multimap) with the order of each name's values kept; none when a name or value
// holds a NUL, which the HTTP layer refuses to decode.
inline Pairs as_decoded(Pairs pairs) {
  for (const auto& [name, value] : pairs) {
    if (name.find('\0') != std::string::npos || value.find('\0') != std::string::npos) return {};
  }
  std::stable_sort(pairs.begin(), pairs.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  return pairs;
}

struct WebhookCall {
  std::string method;
  std::string target;  // path and query, as sent
  adapters::Headers headers;
  std::string body;
};

inline std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// The CallbackRequest hook_routes.cpp's to_callback makes of `call` behind `public_url`,
// or nullopt when the HTTP layer answers 400 before any route (a target that does not
// decode). Header names arrive in lower case from the HTTP server.
inline std::optional<adapters::CallbackRequest> as_daemon_reads(const WebhookCall& call,
                                                               std::string_view public_url) {
  std::string path;
  std::multimap<std::string, std::string> query;
  if (!http::parse_target(call.target, &path, &query)) return std::nullopt;
  adapters::CallbackRequest callback;
  callback.method = call.method;
  callback.public_url = std::string(public_url) + call.target;
  for (const auto& [name, value] : call.headers) callback.headers.emplace_back(lower(name), value);
  callback.query.assign(query.begin(), query.end());
  std::string_view content_type;
  for (const auto& [name, value] : callback.headers) {
    if (name == "content-type") {
      content_type = value;
      break;
    }
  }
  if (content_type.starts_with("application/x-www-form-urlencoded")) {
    callback.form = decode_form(call.body);
  }
  callback.body = call.body;
  return callback;
}

// The first value of `name` in the query, then in the form (how Kannel's webhooks look);
// pass an empty `query` for the form alone (Twilio's).
inline const std::string* first_of(const Pairs& query, const Pairs& form, std::string_view name) {
  for (const Pairs* pairs : {&query, &form}) {
    for (const auto& [key, value] : *pairs) {
      if (key == name) return &value;
    }
  }
  return nullptr;
}

// The same call with every value of the named fields replaced by a different value of
// the same emptiness, so a check can tell whether an answer depends on those values.
inline void redact(Pairs* pairs, std::span<const std::string_view> names) {
  for (auto& [name, value] : *pairs) {
    if (std::find(names.begin(), names.end(), name) == names.end()) continue;
    if (!value.empty()) value = value == "REDACTED" ? "redacted" : "REDACTED";
  }
}

// Every answer of a gateway to a webhook: a value, or a refusal the route can answer
// (403 or 400, never "no such webhook" for one the gateway has) with a short reason that
// the daemon's JSON error body and log line can carry.
template <class T>
void check_answer(const adapters::Parsed<T>& parsed) {
  if (parsed) {
    check(parsed.reason.empty());
    return;
  }
  check(parsed.error == adapters::CallbackError::forged ||
        parsed.error == adapters::CallbackError::malformed);
  check(!parsed.reason.empty() && parsed.reason.size() <= 160);
  // Valid UTF-8, which the JSON answer needs (protobuf logs an error for each string that
  // is not, and sends its bytes as they are).
  check(members::is_valid_utf8(parsed.reason));
  // The JSON answer carries the reason as it is (a reason may itself quote words like
  // "internal error", so the body is read back rather than searched).
  const http::Response answer = http::error_response(400, parsed.reason);
  ErrorResponse decoded;
  std::string error;
  check(http::from_json(answer.body, &decoded, &error));
  check(decoded.error() == parsed.reason);
}

// A refusal's reason, or the value, does not depend on the member's number or words: the
// call with those redacted gets the same reason (reasons go to logs and to the answer).
template <class T>
void check_same_reason(const adapters::Parsed<T>& original, const adapters::Parsed<T>& redacted) {
  check(original.value.has_value() == redacted.value.has_value());
  check(original.error == redacted.error);
  check(original.reason == redacted.reason);
}

}  // namespace tocsin::fuzz
