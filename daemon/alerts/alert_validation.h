#pragma once
// Checks an alert before it is stored: everything that would make a blast wrong or fail
// halfway (a missing French text, an unknown placeholder, an expiry in the past) is found
// here, all at once, so the officer fixes the file in one pass. No I/O.

#include <chrono>
#include <string>
#include <vector>

#include "proto/tocsin.pb.h"

namespace tocsin::alerts {

struct FieldProblem {
  std::string field;   // as in the text format: "title", "messages.fr.sms", "pickup_points[2].id"
  std::string reason;  // for a person: "unknown placeholder {frist_name}"

  bool operator==(const FieldProblem&) const = default;
};

inline constexpr size_t kMaxTitleCharacters = 120;
// Ten concatenated GSM-7 segments: what carriers reliably reassemble.
inline constexpr size_t kMaxSmsTemplateCharacters = 1600;

// Empty when the alert may be created. Does not look at the fields the daemon fills
// (id, code, state, created_*, approved_by) nor at the audience expression's syntax, which
// the audience parser checks against the member indexes.
std::vector<FieldProblem> validate_alert(const Alert& alert,
                                         std::chrono::system_clock::time_point now);

// The problems of the channels and messages alone ("channels", "messages.fr.sms"), as
// validate_alert() checks them: for a wave or a follow-up, whose texts are checked
// against their parent's pickup points.
std::vector<FieldProblem> validate_messages(const Alert& alert);

}  // namespace tocsin::alerts
