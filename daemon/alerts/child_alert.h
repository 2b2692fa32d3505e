#pragma once
// Waves and follow-ups are alerts of their own (children), so they reuse everything an
// alert has: preview, approval, the send queue, exactly-once dispatch, retries, receipts,
// expiry, cancel, delivery counts. What a child takes from its parent, and how a request
// for one is checked, is here. Pure.
//
// A child copies its parent's kind, code, event time, place, pickup points, RSVP options,
// expiry and quiet-hours choice: a reminder says the same event, and a member answering it
// ("OUI A7") answers the parent. It has its own title, channels, messages and group; no
// audience expression (its audience is the parent's members in the group), no targets,
// no waves of its own.

#include <chrono>
#include <string_view>
#include <vector>

#include "alerts/alert_validation.h"
#include "proto/tocsin.pb.h"

namespace tocsin::alerts {

// The child of `parent` for wave `index` (1-based: parent.waves(index - 1)).
Alert make_wave_child(const Alert& parent, int index);

// The child of `parent` for a follow-up: `request` gives target_group, channels, messages
// and optionally a title.
Alert make_followup_child(const Alert& parent, const Alert& request);

// The problems of a follow-up request (fields as in the request: "target_group",
// "messages.fr.sms"), given its parent; empty when it may be created.
std::vector<alerts::FieldProblem> validate_followup(const Alert& parent, const Alert& request);

// The problems of an alert's waves ("waves[0].delay_minutes"...); validate_alert() adds
// them to the alert's own.
std::vector<alerts::FieldProblem> validate_waves(const Alert& alert);

// When wave `index` (1-based) of an alert that started sending at `sending_at_ms` is due:
// its absolute time, or the delay after the start. Unix ms.
int64_t wave_due_ms(const Wave& wave, int64_t sending_at_ms);

// Problems of Alert.seat_confirmation, fields named "seat_confirmation.ask_at", ...: both
// times RFC 3339, ask_at before lapse_at before the event, a pickup point that allocates
// seats, and an SMS text ("fr" required) as a wave's.
std::vector<alerts::FieldProblem> validate_seat_confirmation(const Alert& alert);

// The group and title of the wave that asks seat holders to confirm (built on the waves:
// it is scheduled, previewed and sent as any wave).
inline constexpr std::string_view kSeatConfirmationGroup = "seated_unconfirmed";

// Makes alert.waves hold the seat confirmation's wave (at ask_at, by SMS, to the members
// holding an unconfirmed seat), replacing one a duplicated alert already had; none when
// the alert asks for no confirmation.
void put_seat_confirmation_wave(Alert& alert);

}  // namespace tocsin::alerts
