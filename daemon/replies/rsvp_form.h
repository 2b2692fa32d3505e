#pragma once
// The one-click page's form (application/x-www-form-urlencoded) as an RsvpChoice. Field
// names are those of ResolveReplyRequest's JSON: answer, busSeats, carSeats, party, pickup;
// a count left out is 0, other fields are ignored. Bounds are the writer's
// (check_choice). Pure.

#include <string_view>
#include <variant>

#include "replies/rsvp_builder.h"
#include "replies/rsvp_writer.h"

namespace tocsin::replies {

// The choice, or the field that is missing or not a whole number.
std::variant<RsvpChoice, FieldProblem> parse_rsvp_form(std::string_view body);

}  // namespace tocsin::replies
