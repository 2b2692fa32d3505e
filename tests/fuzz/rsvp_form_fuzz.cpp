// Fuzzes what a POST to the one-click page brings from the network: the form body (its
// choice and its form token) and the Sec-Fetch-Site and Origin headers judged against our
// public URL. The input is split at its first two newlines: header, header, body.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "http/same_origin.h"
#include "replies/rsvp_form.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto next = [&input]() {
    const size_t end = input.find('\n');
    const std::string_view line = input.substr(0, end);
    input = end == std::string_view::npos ? std::string_view() : input.substr(end + 1);
    return line;
  };
  const std::string_view sec_fetch_site = next();
  const std::string_view origin = next();
  tocsin::http::form_origin(sec_fetch_site, origin, "https://tocsin.example");
  tocsin::replies::parse_rsvp_form(input);
  tocsin::replies::rsvp_form_token_of(input);
  return 0;
}
