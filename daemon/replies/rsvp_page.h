#pragma once
// The one-click RSVP page a member opens from their email (/r/{token}): whom it greets,
// what the alert is, their answer so far, and a form whose three buttons (yes, no, maybe)
// each record the answer in one click, with the bus seats, pickup point, car seats and
// party size chosen above them (the pickup point as radio buttons, whose text wraps on a
// phone). In the member's language (French unless "en", addressing the member as "tu");
// every value is HTML-escaped. Pure.

#include <optional>
#include <string>
#include <vector>

#include "seats/seat_status.h"
#include "turnout/rsvp_record.h"

namespace tocsin::replies {

struct PickupChoice {
  std::string id;
  std::string description;  // describe_pickup(): "Terminus Longueuil, 5 h 30"
};

struct RsvpPageFacts {
  std::string language;    // "fr" | "en"
  std::string first_name;  // may be empty
  std::string title;       // the alert's
  std::string place;
  std::string when;                   // the event time, formatted for the member
  std::string action;                 // where the form posts: "/r/{token}"
  std::string form_token;             // rsvp_form_token(), sent back with the form
  std::optional<RsvpRecord> current;  // their answer so far
  std::vector<PickupChoice> pickups;  // empty: no bus offered
  std::string selected_pickup;        // id checked in the list
  bool car_seats = false;             // the alert takes car offers
  std::string problem;                // text shown above the form, e.g. a refused value
  seats::SeatHolding seat;            // the bus seat given, or the place on the waitlist
  // With a yes: the member's check-in code to show at the door, as a QR code (markup from
  // checkin::qr_svg(), inserted as is) and as the short code of their SMS. "" for none.
  std::string checkin_qr_svg;
  std::string checkin_code;
};

std::string rsvp_form_page(const RsvpPageFacts& facts);

// "Oui — 2 personnes, autobus: 1 place (Terminus Longueuil, 5 h 30)" / "Yes — 2 people, …":
// a recorded answer in a few words; `pickup` is its pickup point's description or "".
std::string describe_rsvp(const RsvpRecord& record, const std::string& language,
                          const std::string& pickup);

}  // namespace tocsin::replies
