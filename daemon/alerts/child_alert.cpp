#include "alerts/child_alert.h"

#include <string>

#include "alerts/fleet_fields.h"
#include "alerts/rfc3339.h"
#include "alerts/target_group.h"
#include "util/control_characters.h"

namespace tocsin::alerts {
namespace {


// Longest wave delay: a week. Beyond that an officer meant an absolute `at`.
constexpr int kMaxDelayMinutes = 7 * 24 * 60;

Alert child_of(const Alert& parent) {
  Alert child;
  child.set_code(parent.code());
  child.set_kind(parent.kind());
  child.set_event_time(parent.event_time());
  child.set_place(parent.place());
  child.set_rsvp_yes_no_maybe(parent.rsvp_yes_no_maybe());
  *child.mutable_pickup_points() = parent.pickup_points();
  child.set_car_seats(parent.car_seats());
  child.set_expires_at(parent.expires_at());
  child.set_fold_accents(parent.fold_accents());
  child.set_ignore_quiet_hours(parent.ignore_quiet_hours());
  child.set_parent_id(parent.id());
  return child;
}

// The texts of a wave or follow-up, checked as an alert's are, with the parent's pickup
// points ({pickup}); fields prefixed with `prefix`.
void check_texts(const Alert& parent, Channel channels,
                 const google::protobuf::Map<std::string, AlertMessage>& messages,
                 const std::string& prefix, std::vector<FieldProblem>& problems) {
  Alert texts;
  texts.set_channels(channels);
  *texts.mutable_messages() = messages;
  *texts.mutable_pickup_points() = parent.pickup_points();
  for (auto& problem : alerts::validate_messages(texts)) {
    problems.push_back({prefix + problem.field, std::move(problem.reason)});
  }
}

// A child's own title: officers read it in `tocsin alert list`, so no control character.
void check_title(const std::string& title, const std::string& field,
                 std::vector<FieldProblem>& problems) {
  if (const auto found = find_control_character(title)) {
    problems.push_back({field, describe(*found)});
  }
}

void check_group(const std::string& group, const std::string& field,
                 std::vector<FieldProblem>& problems) {
  if (group.empty()) {
    problems.push_back({field, "is required: " + std::string(target_group_list())});
  } else if (!is_target_group(group)) {
    problems.push_back({field, "unknown group \"" + escape_control_characters(group) +
                                   "\": choose " + std::string(target_group_list())});
  }
}

}  // namespace

Alert make_wave_child(const Alert& parent, int index) {
  const Wave& wave = parent.waves(index - 1);
  Alert child = child_of(parent);
  child.set_title(!wave.title().empty()
                      ? wave.title()
                      : parent.title() + " (relance " + std::to_string(index) + ")");
  child.set_channels(wave.channels());
  *child.mutable_messages() = wave.messages();
  child.set_target_group(wave.target_group());
  child.set_wave_index(index);
  return child;
}

Alert make_followup_child(const Alert& parent, const Alert& request) {
  Alert child = child_of(parent);
  child.set_title(!request.title().empty() ? request.title() : parent.title() + " (suivi)");
  child.set_channels(request.channels());
  *child.mutable_messages() = request.messages();
  child.set_target_group(request.target_group());
  return child;
}

std::vector<FieldProblem> validate_followup(const Alert& parent, const Alert& request) {
  std::vector<FieldProblem> problems;
  check_group(request.target_group(), "target_group", problems);
  check_texts(parent, request.channels(), request.messages(), "", problems);
  if (request.title().size() > 4 * alerts::kMaxTitleCharacters) {
    problems.push_back({"title", "is longer than 120 characters"});
  }
  check_title(request.title(), "title", problems);
  return problems;
}

std::vector<FieldProblem> validate_waves(const Alert& alert) {
  std::vector<FieldProblem> problems;
  for (int i = 0; i < alert.waves_size(); ++i) {
    const Wave& wave = alert.waves(i);
    const std::string prefix = "waves[" + std::to_string(i) + "].";
    const bool has_at = !wave.at().empty();
    if (has_at && wave.delay_minutes() != 0) {
      problems.push_back({prefix + "at", "give either delay_minutes or at, not both"});
    } else if (has_at) {
      if (!alerts::parse_rfc3339(wave.at())) {
        problems.push_back(
            {prefix + "at", "is not an RFC 3339 time like 2027-06-06T05:00:00-04:00"});
      }
    } else if (wave.delay_minutes() <= 0) {
      problems.push_back({prefix + "delay_minutes", "give a delay of 1 minute or more, or at"});
    } else if (wave.delay_minutes() > kMaxDelayMinutes) {
      problems.push_back({prefix + "delay_minutes", "is more than a week: use at"});
    }
    check_group(wave.target_group(), prefix + "target_group", problems);
    check_title(wave.title(), prefix + "title", problems);
    check_texts(alert, wave.channels(), wave.messages(), prefix, problems);
  }
  return problems;
}

std::vector<FieldProblem> validate_seat_confirmation(const Alert& alert) {
  std::vector<FieldProblem> problems;
  if (!alert.has_seat_confirmation()) return problems;
  const SeatConfirmation& confirmation = alert.seat_confirmation();
  const std::string prefix = "seat_confirmation.";
  const auto ask_at = alerts::parse_rfc3339(confirmation.ask_at());
  const auto lapse_at = alerts::parse_rfc3339(confirmation.lapse_at());
  if (!ask_at) {
    problems.push_back({prefix + "ask_at", "is not an RFC 3339 time like 2027-06-05T09:00:00-04:00"});
  }
  if (!lapse_at) {
    problems.push_back(
        {prefix + "lapse_at", "is not an RFC 3339 time like 2027-06-05T18:00:00-04:00"});
  }
  if (ask_at && lapse_at && *lapse_at <= *ask_at) {
    problems.push_back({prefix + "lapse_at", "is not after ask_at: members need time to answer"});
  }
  if (const auto event = alerts::parse_rfc3339(alert.event_time()); event && lapse_at &&
                                                                    *lapse_at >= *event) {
    problems.push_back({prefix + "lapse_at", "is not before event_time: the buses would be gone"});
  }
  if (!allocates_seats(alert)) {
    problems.push_back({"seat_confirmation",
                        "needs a pickup point with buses and seats_per_bus: only seats given "
                        "out can be confirmed"});
  }
  check_texts(alert, SMS, confirmation.messages(), prefix, problems);
  return problems;
}

void put_seat_confirmation_wave(Alert& alert) {
  auto* waves = alert.mutable_waves();
  for (int i = waves->size() - 1; i >= 0; --i) {
    if (waves->Get(i).target_group() == kSeatConfirmationGroup) waves->DeleteSubrange(i, 1);
  }
  if (!alert.has_seat_confirmation()) return;
  Wave* wave = alert.add_waves();
  wave->set_at(alert.seat_confirmation().ask_at());
  wave->set_target_group(std::string(kSeatConfirmationGroup));
  wave->set_channels(SMS);
  *wave->mutable_messages() = alert.seat_confirmation().messages();
  wave->set_title(alert.title() + " (confirmation des places)");
}

int64_t wave_due_ms(const Wave& wave, int64_t sending_at_ms) {
  if (const auto at = alerts::parse_rfc3339(wave.at())) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(at->time_since_epoch()).count();
  }
  return sending_at_ms + int64_t{wave.delay_minutes()} * 60'000;
}

}  // namespace tocsin::alerts
