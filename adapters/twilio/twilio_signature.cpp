#include "adapters/twilio/twilio_signature.h"

#include <curl/curl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <memory>
#include <optional>

namespace tocsin::adapters::twilio {
namespace {

using CurlUrl = std::unique_ptr<CURLU, decltype(&curl_url_cleanup)>;

std::string base64(const unsigned char* data, size_t size) {
  std::string out(4 * ((size + 2) / 3), '\0');
  const int length =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(size));
  out.resize(static_cast<size_t>(length));
  return out;
}

std::optional<std::string> url_part(CURLU* url, CURLUPart part, unsigned flags) {
  char* value = nullptr;
  if (curl_url_get(url, part, &value, flags) != CURLUE_OK || value == nullptr) return std::nullopt;
  std::string out(value);
  curl_free(value);
  return out;
}

}  // namespace

std::string twilio_signature(std::string_view auth_token, std::string_view url, FormParams params) {
  std::sort(params.begin(), params.end());
  std::string data(url);
  for (const auto& [name, value] : params) {
    data += name;
    data += value;
  }
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_size = 0;
  HMAC(EVP_sha1(), auth_token.data(), static_cast<int>(auth_token.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac, &mac_size);
  return base64(mac, mac_size);
}

std::vector<std::string> signature_url_variants(std::string_view url) {
  std::vector<std::string> variants{std::string(url)};
  // libcurl parses (scheme, explicit port, default port); the variant itself is spliced
  // into the original text, because libcurl's rebuilt URL may normalise other bytes
  // (escapes, an empty path) that the signature covers.
  CurlUrl parsed(curl_url(), &curl_url_cleanup);
  const std::string text(url);
  if (!parsed || curl_url_set(parsed.get(), CURLUPART_URL, text.c_str(), 0) != CURLUE_OK) {
    return variants;
  }
  const auto scheme = url_part(parsed.get(), CURLUPART_SCHEME, 0);
  if (!scheme || (*scheme != "http" && *scheme != "https")) return variants;
  // (CURLU_DEFAULT_PORT would give the explicit port when there is one.)
  const std::string default_port = *scheme == "https" ? "443" : "80";
  const auto explicit_port = url_part(parsed.get(), CURLUPART_PORT, 0);  // none: CURLUE_NO_PORT

  const size_t authority_start = text.find("://");
  if (authority_start == std::string::npos) return variants;
  size_t authority_end = text.find_first_of("/?#", authority_start + 3);
  if (authority_end == std::string::npos) authority_end = text.size();

  if (!explicit_port) {
    variants.push_back(text.substr(0, authority_end) + ":" + default_port +
                       text.substr(authority_end));
  } else if (*explicit_port == default_port) {
    const std::string suffix = ":" + *explicit_port;
    const std::string_view authority(text.data(), authority_end);
    if (authority.size() > suffix.size() && authority.ends_with(suffix)) {
      variants.push_back(text.substr(0, authority_end - suffix.size()) +
                         text.substr(authority_end));
    }
  }
  return variants;
}

bool signature_matches(std::string_view auth_token, std::string_view url, const FormParams& params,
                       std::string_view signature) {
  bool matched = false;
  // Every variant is computed and compared, matched or not, so the time taken does not
  // tell which one matched.
  for (const std::string& candidate : signature_url_variants(url)) {
    const std::string expected = twilio_signature(auth_token, candidate, params);
    // The length of a Base64 HMAC-SHA1 is public (28); only the bytes are secret.
    if (expected.size() == signature.size() &&
        CRYPTO_memcmp(expected.data(), signature.data(), expected.size()) == 0) {
      matched = true;
    }
  }
  return matched;
}

}  // namespace tocsin::adapters::twilio
