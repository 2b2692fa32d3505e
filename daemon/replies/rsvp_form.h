#pragma once
// The one-click page's form (application/x-www-form-urlencoded) as an RsvpChoice. Field
// names are those of ResolveReplyRequest's JSON: answer, busSeats, carSeats, party, pickup;
// a count left out is 0, other fields are ignored. The page also sends formToken
// (rsvp_token.h), read on its own. Bounds are the writer's
// (check_choice in rsvp_writer.h). Pure.

#include <string>
#include <string_view>
#include <variant>

#include "replies/field_problem.h"
#include "replies/rsvp_builder.h"

namespace tocsin::replies {

// The choice, or the field that is missing or not a whole number.
std::variant<RsvpChoice, FieldProblem> parse_rsvp_form(std::string_view body);

// The form's formToken, or "" when it has none or does not decode.
std::string rsvp_form_token_of(std::string_view body);

}  // namespace tocsin::replies
