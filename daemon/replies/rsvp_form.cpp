#include "replies/rsvp_form.h"

#include <charconv>
#include <map>
#include <optional>
#include <string>

#include "http/message.h"

namespace tocsin::replies {
namespace {

// A count of at most 3 digits: anything longer is out of every bound anyway, and is
// reported as such rather than overflowing.
bool read_count(const std::string& text, int* out) {
  if (text.empty()) {
    *out = 0;
    return true;
  }
  if (text.size() > 3) {
    *out = 1000;
    return text.find_first_not_of("0123456789") == std::string::npos;
  }
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return error == std::errc{} && end == text.data() + text.size();
}

// The form is a query string without its '?': decoded by the same code as URLs.
std::optional<std::multimap<std::string, std::string>> fields_of(std::string_view body) {
  std::string path;
  std::multimap<std::string, std::string> fields;
  std::string target = "/?";
  target.append(body);
  if (!http::parse_target(target, &path, &fields)) return std::nullopt;
  return fields;
}

}  // namespace

std::variant<RsvpChoice, FieldProblem> parse_rsvp_form(std::string_view body) {
  const auto decoded = fields_of(body);
  if (!decoded) return FieldProblem{"body", "the form does not decode"};
  const auto& fields = *decoded;
  auto value = [&fields](const std::string& name) {
    auto it = fields.find(name);
    return it == fields.end() ? std::string() : it->second;
  };
  RsvpChoice choice;
  choice.answer = value("answer");
  if (choice.answer.empty()) return FieldProblem{"answer", "answer must be yes, no or maybe"};
  const std::pair<const char*, int*> counts[] = {
      {"busSeats", &choice.bus_seats}, {"carSeats", &choice.car_seats}, {"party", &choice.party}};
  for (const auto& [name, out] : counts) {
    if (!read_count(value(name), out)) {
      return FieldProblem{name, std::string(name) + " must be a whole number"};
    }
  }
  choice.pickup = value("pickup");
  return choice;
}

std::string rsvp_form_token_of(std::string_view body) {
  const auto fields = fields_of(body);
  if (!fields) return {};
  const auto it = fields->find("formToken");
  return it == fields->end() ? std::string() : it->second;
}

}  // namespace tocsin::replies
