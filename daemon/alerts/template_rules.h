#pragma once
// The union's alert templates (one per kind, alerts/template_store.h): the names of the
// kinds in routes and files, and what a template must satisfy. No I/O.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "alerts/alert_validation.h"
#include "proto/tocsin.pb.h"

namespace tocsin::alerts {

// Every kind that has a template, in the order of AlertKind.
const std::vector<AlertKind>& template_kinds();

// "emergency-assembly" for EMERGENCY_ASSEMBLY: the {kind} of /v1/templates/{kind}, the
// console's #new&kind=, and the seed's file name.
std::string kind_name(AlertKind kind);

// The kind a name stands for: "emergency-assembly", or the enum's own "EMERGENCY_ASSEMBLY";
// nullopt for anything else.
std::optional<AlertKind> parse_kind_name(std::string_view name);

// `unknown kind "x": one of special-law-threat, emergency-assembly, ...`, with the closest
// name when one is close.
std::string describe_unknown_kind(std::string_view name);

// The problems that refuse a template, checked as an alert's (validate_alert) except that
// its event time, expiry and audience may be left empty: each alert picks its own. Whatever
// it does give is checked. `kind` is the route's: the template's own kind must be unset or
// the same.
std::vector<FieldProblem> validate_template(const Alert& tmpl, AlertKind kind,
                                            std::chrono::system_clock::time_point now);

}  // namespace tocsin::alerts
