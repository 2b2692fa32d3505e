#include "alerts/template_rules.h"

#include <algorithm>
#include <cctype>

#include "util/did_you_mean.h"

namespace tocsin::alerts {

const std::vector<AlertKind>& template_kinds() {
  static const std::vector<AlertKind> kinds = {SPECIAL_LAW_THREAT, EMERGENCY_ASSEMBLY, BANNER_DROP,
                                               STRIKE_VOTE, INFORMATION};
  return kinds;
}

std::string kind_name(AlertKind kind) {
  std::string name = AlertKind_Name(kind);
  for (char& c : name) c = c == '_' ? '-' : static_cast<char>(std::tolower(c));
  return name;
}

std::optional<AlertKind> parse_kind_name(std::string_view name) {
  for (AlertKind kind : template_kinds()) {
    if (name == kind_name(kind) || name == AlertKind_Name(kind)) return kind;
  }
  return std::nullopt;
}

std::string describe_unknown_kind(std::string_view name) {
  std::vector<std::string> names;
  std::string list;
  for (AlertKind kind : template_kinds()) {
    names.push_back(kind_name(kind));
    list += (list.empty() ? "" : ", ") + names.back();
  }
  std::string text = "unknown kind \"" + std::string(name) + "\"";
  if (auto closest = closest_name(name, names)) text += ": did you mean \"" + *closest + "\"?";
  return text + " (one of " + list + ")";
}

std::vector<FieldProblem> validate_template(const Alert& tmpl, AlertKind kind,
                                            std::chrono::system_clock::time_point now) {
  // The fields each alert picks for itself may be empty here; given, they are checked.
  auto may_be_empty = [&](const std::string& field) {
    return (field == "event_time" && tmpl.event_time().empty()) ||
           (field == "expires_at" && tmpl.expires_at().empty()) ||
           (field == "audience" && tmpl.audience().empty());
  };
  std::vector<FieldProblem> problems;
  if (tmpl.kind() != ALERT_KIND_UNSPECIFIED && tmpl.kind() != kind) {
    problems.push_back({"kind", "is " + AlertKind_Name(tmpl.kind()) + ", but this is the " +
                                    kind_name(kind) + " template"});
  }
  Alert checked = tmpl;
  checked.set_kind(kind);
  for (FieldProblem& problem : validate_alert(checked, now)) {
    if (!may_be_empty(problem.field)) problems.push_back(std::move(problem));
  }
  // Fields the daemon fills on an alert mean nothing on a template.
  if (!tmpl.id().empty() || !tmpl.code().empty() || !tmpl.parent_id().empty() ||
      !tmpl.target_group().empty()) {
    problems.push_back({"id", "a template has no id, code, parent_id or target_group"});
  }
  return problems;
}

}  // namespace tocsin::alerts
