#pragma once
// The one-click RSVP's other pages: the confirmation after an answer is recorded (in the
// member's language, with the SMS confirmation's wording), the text of a refused form
// value, and the pages for a link that cannot be answered, in French and English since
// the member is not known then. No stack trace, no JSON, every value HTML-escaped. Pure.

#include <string>
#include <string_view>

#include "replies/rsvp_writer.h"

namespace tocsin::replies {

// `confirmation` is confirmation_text() of the recorded answer; `back` the page's URL,
// for changing it.
std::string rsvp_done_page(const std::string& language, std::string_view confirmation,
                           std::string_view back);

enum class RsvpRefusal {
  invalid,         // malformed, unknown or tampered link (403)
  closed,          // the alert takes no more answers (410)
  foreign_origin,  // a form posted from another site (403)
  unavailable,     // Redis away (503)
  failed,          // anything else (500)
};

// A bilingual page saying what happened and what the member can do.
std::string rsvp_refusal_page(RsvpRefusal refusal);

// "Places dans l'autobus : de 0 à 10." / "Seats on the bus: 0 to 10." for a refused value.
std::string describe_problem(const FieldProblem& problem, const std::string& language);

}  // namespace tocsin::replies
