#include "adapters/twilio/twilio_answer.h"

#include <charconv>

namespace tocsin::adapters::twilio {
namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

size_t skip_spaces(std::string_view text, size_t at) {
  while (at < text.size() && is_space(text[at])) ++at;
  return at;
}

}  // namespace

std::optional<std::string> json_scalar(std::string_view body, std::string_view key) {
  const std::string quoted = "\"" + std::string(key) + "\"";
  for (size_t found = body.find(quoted); found != std::string_view::npos;
       found = body.find(quoted, found + 1)) {
    // A key is followed by a colon; the same word as a string value is not.
    size_t at = skip_spaces(body, found + quoted.size());
    if (at >= body.size() || body[at] != ':') continue;
    at = skip_spaces(body, at + 1);
    if (at >= body.size()) return std::nullopt;
    if (body[at] == '"') {
      const size_t start = at + 1;
      for (size_t i = start; i < body.size(); ++i) {
        if (body[i] == '\\') {
          ++i;
        } else if (body[i] == '"') {
          return std::string(body.substr(start, i - start));
        }
      }
      return std::nullopt;  // unterminated
    }
    size_t end = at;
    while (end < body.size() && body[end] != ',' && body[end] != '}' && body[end] != ']' &&
           !is_space(body[end])) {
      ++end;
    }
    if (end == at) return std::nullopt;
    return std::string(body.substr(at, end - at));
  }
  return std::nullopt;
}

int error_code(std::string_view body) {
  const auto text = json_scalar(body, "code");
  if (!text) return 0;
  int code = 0;
  const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), code);
  if (error != std::errc{} || end != text->data() + text->size()) return 0;
  return code;
}

std::string_view describe_error_code(int code) {
  switch (code) {
    case 20003:
      return "credentials refused";
    case 20404:
      return "resource not found (account sid?)";
    case 20429:
      return "too many requests";
    case 21211:
      return "invalid number";
    case 21408:
      return "region not enabled";
    case 21602:
      return "body required";
    case 21604:
      return "to required";
    case 21606:
      return "sender cannot send sms";
    case 21610:
      return "recipient opted out";
    case 21612:
      return "cannot route to number";
    case 21614:
      return "not a mobile number";
    case 21617:
      return "body too long";
    default:
      return "";
  }
}

}  // namespace tocsin::adapters::twilio
