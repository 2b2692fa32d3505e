#include "alerts/alert_validation.h"

#include <algorithm>
#include <set>

#include "alerts/child_alert.h"
#include "alerts/rfc3339.h"
#include "alerts/template.h"
#include "util/control_characters.h"

namespace tocsin::alerts {
namespace {

// UTF-8 characters (code points), as an officer counts them; continuation bytes don't start
// one.
size_t count_characters(std::string_view utf8) {
  return static_cast<size_t>(std::count_if(utf8.begin(), utf8.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

bool is_blank(std::string_view text) {
  return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

class Checker {
 public:
  explicit Checker(std::vector<FieldProblem>& problems) : problems_(problems) {}

  void add(std::string field, std::string reason) {
    problems_.push_back({std::move(field), std::move(reason)});
  }

  void required_text(const std::string& field, std::string_view text) {
    if (is_blank(text)) add(field, "is required");
  }

  // Free text that officers or members will read: no control character (a terminal
  // escape, a NUL), and no line break unless the text is a message body.
  void printable(const std::string& field, std::string_view text,
                 LineBreaks line_breaks = LineBreaks::refused) {
    if (const auto found = find_control_character(text, line_breaks)) add(field, describe(*found));
  }

  // Unknown names are reported once each, in order of appearance.
  void template_placeholders(const std::string& field, std::string_view tmpl,
                             bool has_pickup_points) {
    const auto& known = known_placeholders();
    std::set<std::string> reported;
    for (const std::string& name : placeholders(tmpl)) {
      if (!reported.insert(name).second) continue;
      if (std::find(known.begin(), known.end(), name) == known.end()) {
        add(field, "unknown placeholder {" + name + "}");
      } else if (name == "pickup" && !has_pickup_points) {
        add(field, "{pickup} needs at least one pickup point");
      }
    }
  }

  void rfc3339(const std::string& field, const std::string& text) {
    if (text.empty()) {
      add(field, "is required");
    } else if (!parse_rfc3339(text)) {
      add(field, "is not an RFC 3339 time like 2027-06-06T07:00:00-04:00");
    }
  }

 private:
  std::vector<FieldProblem>& problems_;
};

void check_messages(const Alert& alert, Checker& check) {
  const bool sms = alert.channels() == SMS || alert.channels() == BOTH;
  const bool email = alert.channels() == EMAIL || alert.channels() == BOTH;
  const bool pickups = alert.pickup_points_size() > 0;

  if (!alert.messages().contains("fr")) {
    check.add("messages", "a French (\"fr\") message is required");
  }
  // Sorted, so problems come out in the same order every time (the map is unordered).
  std::set<std::string> languages;
  for (const auto& [language, message] : alert.messages()) languages.insert(language);
  for (const std::string& language : languages) {
    // The key as the officer wrote it, but never a raw control character in an error.
    const std::string prefix = "messages." + escape_control_characters(language);
    if (language != "fr" && language != "en") {
      check.add(prefix, "unknown language (\"fr\" or \"en\")");
      continue;
    }
    const AlertMessage& message = alert.messages().at(language);
    check.printable(prefix + ".sms", message.sms(), LineBreaks::allowed);
    check.printable(prefix + ".email_subject", message.email_subject());
    check.printable(prefix + ".email_body", message.email_body(), LineBreaks::allowed);
    if (sms) {
      check.required_text(prefix + ".sms", message.sms());
      if (count_characters(message.sms()) > kMaxSmsTemplateCharacters) {
        check.add(prefix + ".sms",
                  "is longer than " + std::to_string(kMaxSmsTemplateCharacters) + " characters");
      }
    }
    if (email) {
      check.required_text(prefix + ".email_subject", message.email_subject());
      check.required_text(prefix + ".email_body", message.email_body());
    }
    // Placeholders are checked even in texts of an unchosen channel: a switch to BOTH later
    // must not reveal old mistakes.
    check.template_placeholders(prefix + ".sms", message.sms(), pickups);
    check.template_placeholders(prefix + ".email_subject", message.email_subject(), pickups);
    check.template_placeholders(prefix + ".email_body", message.email_body(), pickups);
  }
}

void check_pickup_points(const Alert& alert, Checker& check) {
  std::set<std::string> ids;
  for (int i = 0; i < alert.pickup_points_size(); ++i) {
    const PickupPoint& point = alert.pickup_points(i);
    const std::string prefix = "pickup_points[" + std::to_string(i) + "]";
    if (is_blank(point.id())) {
      check.add(prefix + ".id", "is required");
    } else if (!ids.insert(point.id()).second) {
      check.add(prefix + ".id", "duplicate id \"" + escape_control_characters(point.id()) + "\"");
    }
    check.printable(prefix + ".id", point.id());
    check.required_text(prefix + ".name", point.name());
    check.printable(prefix + ".name", point.name());
    check.printable(prefix + ".region", point.region());
    if (point.bus_capacity() < 0) check.add(prefix + ".bus_capacity", "must not be negative");
    if (point.buses() < 0 || point.buses() > 1000) {
      check.add(prefix + ".buses", "must be between 0 and 1000");
    }
    if (point.seats_per_bus() < 0 || point.seats_per_bus() > 100) {
      check.add(prefix + ".seats_per_bus", "must be between 0 and 100");
    }
    if ((point.buses() > 0) != (point.seats_per_bus() > 0)) {
      check.add(point.buses() > 0 ? prefix + ".seats_per_bus" : prefix + ".buses",
                "buses and seats_per_bus go together: give both to allocate seats, or neither");
    }
    if (!point.departs_at().empty() && !parse_rfc3339(point.departs_at())) {
      check.add(prefix + ".departs_at", "is not an RFC 3339 time like 2027-06-06T05:30:00-04:00");
    }
  }
}

void check_targets(const Alert& alert, Checker& check) {
  for (int i = 0; i < alert.targets_size(); ++i) {
    const TurnoutTarget& target = alert.targets(i);
    const std::string prefix = "targets[" + std::to_string(i) + "]";
    const std::string& dimension = target.dimension();
    if (dimension != "region" && dimension != "local" && dimension != "sector") {
      check.add(prefix + ".dimension", "must be \"region\", \"local\" or \"sector\"");
    }
    check.required_text(prefix + ".value", target.value());
    check.printable(prefix + ".value", target.value());
    if (target.target() < 0) check.add(prefix + ".target", "must not be negative");
  }
}

// A scheduled send (empty: sent at :send). It may be in the past: :send then sends at once.
// It must leave time to send before the alert stops being sendable (alerts/send_deadline.h):
// strictly before expires_at and before the event starts.
void check_send_at(const Alert& alert, Checker& check) {
  if (alert.send_at().empty()) return;
  const auto send_at = parse_rfc3339(alert.send_at());
  if (!send_at) {
    check.add("send_at", "is not an RFC 3339 time like 2027-06-06T06:00:00-04:00");
    return;
  }
  if (const auto expires = parse_rfc3339(alert.expires_at()); expires && *send_at >= *expires) {
    check.add("send_at", "is not before expires_at: nothing would be sent");
  }
  if (const auto event = parse_rfc3339(alert.event_time()); event && *send_at >= *event) {
    check.add("send_at", "is not before event_time: the event would have started");
  }
}

}  // namespace

std::vector<FieldProblem> validate_alert(const Alert& alert,
                                         std::chrono::system_clock::time_point now) {
  std::vector<FieldProblem> problems;
  Checker check(problems);

  if (alert.kind() == ALERT_KIND_UNSPECIFIED) check.add("kind", "is required");
  // Only a threat of a special law or an emergency assembly may wake members at night; an
  // alert of another kind saying so would be held anyway, so it is refused rather than
  // silently not honoured.
  if (alert.ignore_quiet_hours() && alert.kind() != SPECIAL_LAW_THREAT &&
      alert.kind() != EMERGENCY_ASSEMBLY) {
    check.add("ignore_quiet_hours",
              "is allowed only for SPECIAL_LAW_THREAT and EMERGENCY_ASSEMBLY alerts");
  }

  const size_t title_characters = count_characters(alert.title());
  if (is_blank(alert.title())) {
    check.add("title", "is required");
  } else if (title_characters > kMaxTitleCharacters) {
    check.add("title", "is longer than " + std::to_string(kMaxTitleCharacters) + " characters");
  }
  check.printable("title", alert.title());
  check.printable("place", alert.place());

  check.required_text("audience", alert.audience());
  check.printable("audience", alert.audience());
  if (alert.channels() == CHANNEL_UNSPECIFIED) {
    check.add("channels", "choose SMS, EMAIL or BOTH");
  } else {
    check_messages(alert, check);
  }

  check.rfc3339("event_time", alert.event_time());
  check.rfc3339("expires_at", alert.expires_at());
  if (const auto expires = parse_rfc3339(alert.expires_at()); expires && *expires <= now) {
    check.add("expires_at", "is in the past: nothing would be sent");
  }

  check_send_at(alert, check);
  check_pickup_points(alert, check);
  check_targets(alert, check);
  for (auto& problem : validate_waves(alert)) problems.push_back(std::move(problem));
  for (auto& problem : validate_seat_confirmation(alert)) {
    problems.push_back(std::move(problem));
  }
  return problems;
}

std::vector<FieldProblem> validate_messages(const Alert& alert) {
  std::vector<FieldProblem> problems;
  Checker check(problems);
  if (alert.channels() == CHANNEL_UNSPECIFIED) {
    check.add("channels", "choose SMS, EMAIL or BOTH");
  } else {
    check_messages(alert, check);
  }
  return problems;
}

}  // namespace tocsin::alerts
