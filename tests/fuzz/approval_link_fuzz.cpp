// Fuzzes the approval link's check (alerts/approval_link.h): exp and sig come straight from
// the query string of requests made from the console's approval page.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "alerts/approval_link.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t split = input.find('&');
  const std::string_view exp = input.substr(0, split);
  const std::string_view sig = split == std::string_view::npos ? "" : input.substr(split + 1);
  const std::string secret(32, 's');
  const auto verdict =
      tocsin::alerts::check_approval_link(secret, "k3j9xq2mpa7b4c1d", exp, sig, 1'800'000'000);
  // Only the tag made with the secret is accepted (or expired); anything else is forged.
  if (verdict != tocsin::alerts::LinkVerdict::forged) {
    const std::string expected =
        tocsin::alerts::approval_tag(secret, "k3j9xq2mpa7b4c1d", std::stoll(std::string(exp)));
    if (expected != sig) __builtin_trap();
  }
  return 0;
}
