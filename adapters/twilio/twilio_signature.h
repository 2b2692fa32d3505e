#pragma once
// Twilio's webhook signature (X-Twilio-Signature, adapters/README.md): Base64 of HMAC-SHA1, keyed
// with the account's auth token, over the URL Twilio called followed by every POST
// parameter, sorted by name, as name immediately followed by value. Used both to check the
// webhooks we receive and, in the tests' Twilio-shaped server, to sign the callbacks it
// sends, so the two sides cannot drift apart.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tocsin::adapters::twilio {

using FormParams = std::vector<std::pair<std::string, std::string>>;

// The X-Twilio-Signature value for a call to `url` carrying `params` (the decoded form
// fields of a POST; empty for a GET, whose parameters are in the URL already). Parameters
// are sorted by name, then by value for repeated names, byte-wise as the SDKs do.
std::string twilio_signature(std::string_view auth_token, std::string_view url, FormParams params);

// The URLs a signature may have been computed over: `url` as given, then, as the official
// SDKs accept, the same URL with the scheme's default port added when it has none, or
// removed when it has it (Twilio signs the URL as configured, and a proxy may have added
// or dropped ":443"). Other bytes are kept exactly as given. Only the first entry when the
// URL is not http(s) or cannot be parsed.
std::vector<std::string> signature_url_variants(std::string_view url);

// True when `signature` is the signature of the call for any URL variant. Compared in
// constant time (CRYPTO_memcmp), so a forger learns nothing from response times.
bool signature_matches(std::string_view auth_token, std::string_view url, const FormParams& params,
                       std::string_view signature);

}  // namespace tocsin::adapters::twilio
