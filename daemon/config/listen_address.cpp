#include <charconv>
#include <string>

#include "config/config.h"
#include "config/quote.h"

namespace tocsin::config {
namespace {

bool fail(std::string* error, std::string reason) {
  if (error != nullptr) *error = std::move(reason);
  return false;
}

bool is_host_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '-' || c == '_';
}

// Inside brackets: hex digits, colons, dots (v4-mapped) and an optional %zone suffix.
bool is_v6_char(char c) {
  return is_host_name_char(c) || c == ':' || c == '%';
}

bool parse_port(std::string_view text, uint16_t* port, std::string* error) {
  if (text.empty()) return fail(error, "missing port after ':'");
  for (char c : text) {
    // Decimal digits only: from_chars alone would accept nothing else either, but a sign or
    // "0x" prefix deserves its own clear message.
    if (c < '0' || c > '9') {
      return fail(error, "port " + in_quotes(text) + " is not a decimal number");
    }
  }
  // More than five digits cannot be in range; checking first also avoids overflow.
  unsigned long value = 0;
  if (text.size() <= 5) std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.size() > 5 || value > 65535) {
    return fail(error, "port " + std::string(text) + " is out of range 0-65535");
  }
  *port = static_cast<uint16_t>(value);
  return true;
}

}  // namespace

std::optional<ListenAddress> parse_listen(std::string_view text, std::string* error) {
  ListenAddress address;
  std::string_view port_text;
  if (!text.empty() && text.front() == '[') {
    size_t close = text.find(']');
    if (close == std::string_view::npos) {
      fail(error, "missing ']' after IPv6 address in " + in_quotes(text));
      return std::nullopt;
    }
    std::string_view host = text.substr(1, close - 1);
    if (host.empty() || host.find(':') == std::string_view::npos) {
      fail(error, "expected an IPv6 address between brackets, got " + in_quotes(text));
      return std::nullopt;
    }
    for (char c : host) {
      if (!is_v6_char(c)) {
        fail(error, "invalid character in IPv6 address " + in_quotes(host));
        return std::nullopt;
      }
    }
    if (close + 1 >= text.size() || text[close + 1] != ':') {
      fail(error, "expected [address]:port, got " + in_quotes(text));
      return std::nullopt;
    }
    address.host = std::string(host);
    port_text = text.substr(close + 2);
  } else {
    size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) {
      fail(error, "expected host:port, got " + in_quotes(text));
      return std::nullopt;
    }
    std::string_view host = text.substr(0, colon);
    if (host.empty()) {
      fail(error, "missing host before the port in " + in_quotes(text) +
                      " (use 0.0.0.0 or [::] to listen on every address)");
      return std::nullopt;
    }
    if (host.find(':') != std::string_view::npos) {
      fail(error, "an IPv6 address needs brackets, as in [::1]:8080; got " + in_quotes(text));
      return std::nullopt;
    }
    for (char c : host) {
      if (!is_host_name_char(c)) {
        fail(error, "invalid character in host " + in_quotes(host));
        return std::nullopt;
      }
    }
    address.host = std::string(host);
    port_text = text.substr(colon + 1);
  }
  if (!parse_port(port_text, &address.port, error)) return std::nullopt;
  return address;
}

}  // namespace tocsin::config
