#pragma once
// Alert templates: "{first_name}, rendez-vous {event_time} à {place}." Placeholders are
// fixed (no expressions, no conditionals) so an officer can't break a blast with a syntax
// error and validation can list every mistake before anything is sent. No I/O.

#include <string>
#include <string_view>
#include <vector>

namespace tocsin::alerts {

// What each placeholder becomes for one member. Already localized by the caller.
struct TemplateValues {
  std::string first_name;
  std::string event_time;
  std::string place;
  std::string rsvp_link;
  std::string pickup;
  std::string code;
};

// The names render() knows, without braces.
const std::vector<std::string_view>& known_placeholders();

// Replaces each {name} with its value; {{ and }} write { and }. A placeholder is '{',
// then anything but braces up to the next '}'. Unknown names and unmatched braces are
// copied as written (validation reports them; the sender never fails on them).
std::string render(std::string_view tmpl, const TemplateValues& values);

// Every placeholder name in the template, in order, repeats included, known or not.
std::vector<std::string> placeholders(std::string_view tmpl);

}  // namespace tocsin::alerts
