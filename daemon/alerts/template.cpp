#include "alerts/template.h"

#include <functional>
#include <optional>

namespace tocsin::alerts {
namespace {

// Walks the template once for both render() and placeholders(), so they can never disagree
// on what a placeholder is. `on_text` gets literal text, `on_placeholder` the name and the
// placeholder as written.
void scan(std::string_view tmpl, const std::function<void(std::string_view)>& on_text,
          const std::function<void(std::string_view, std::string_view)>& on_placeholder) {
  size_t pos = 0;
  while (pos < tmpl.size()) {
    const char c = tmpl[pos];
    if ((c == '{' || c == '}') && pos + 1 < tmpl.size() && tmpl[pos + 1] == c) {
      on_text(tmpl.substr(pos, 1));
      pos += 2;
      continue;
    }
    if (c == '{') {
      const size_t close = tmpl.find_first_of("{}", pos + 1);
      if (close != std::string_view::npos && tmpl[close] == '}') {
        on_placeholder(tmpl.substr(pos + 1, close - pos - 1), tmpl.substr(pos, close - pos + 1));
        pos = close + 1;
        continue;
      }
    }
    const size_t next = tmpl.find_first_of("{}", pos + 1);
    const size_t end = next == std::string_view::npos ? tmpl.size() : next;
    on_text(tmpl.substr(pos, end - pos));
    pos = end;
  }
}

std::optional<std::string_view> value_of(std::string_view name, const TemplateValues& values) {
  if (name == "first_name") return values.first_name;
  if (name == "event_time") return values.event_time;
  if (name == "place") return values.place;
  if (name == "rsvp_link") return values.rsvp_link;
  if (name == "pickup") return values.pickup;
  if (name == "code") return values.code;
  return std::nullopt;
}

}  // namespace

const std::vector<std::string_view>& known_placeholders() {
  static const std::vector<std::string_view> names = {"first_name", "event_time", "place",
                                                      "rsvp_link",  "pickup",     "code"};
  return names;
}

std::string render(std::string_view tmpl, const TemplateValues& values) {
  std::string out;
  out.reserve(tmpl.size() + 64);
  scan(
      tmpl, [&](std::string_view text) { out += text; },
      [&](std::string_view name, std::string_view as_written) {
        const auto value = value_of(name, values);
        out += value ? *value : as_written;
      });
  return out;
}

std::vector<std::string> placeholders(std::string_view tmpl) {
  std::vector<std::string> names;
  scan(
      tmpl, [](std::string_view) {},
      [&](std::string_view name, std::string_view) { names.emplace_back(name); });
  return names;
}

}  // namespace tocsin::alerts
