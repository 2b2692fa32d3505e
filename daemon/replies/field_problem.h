#pragma once
// A field of a member's answer that is out of bounds or unknown, named as in
// ResolveReplyRequest's JSON ("answer", "busSeats", "carSeats", "party", "pickup"), which
// the page's form uses too. Its own header so that the form's parser (rsvp_form.h) and its
// fuzz target need none of the writer's Asio.

#include <string>

namespace tocsin::replies {

struct FieldProblem {
  std::string field;
  std::string reason;  // English, for the API's error body
};

}  // namespace tocsin::replies
