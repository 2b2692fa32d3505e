#pragma once
// The short SMS a member gets back when their reply is read (issue 6): their answer as we
// recorded it, in their language, so they know they were heard and can correct it; French
// addresses the member as "tu", like the union's messages (config/alerts/). Pure;
// every text fits one GSM-7 segment except where a pickup point's name is long, and the
// help answer is at most 160 characters.

#include <string>
#include <string_view>

#include "seats/seat_status.h"
#include "turnout/rsvp_record.h"

namespace tocsin::replies {

enum class ConfirmationKind {
  rsvp,          // an answer recorded (RsvpRecord)
  unknown,       // not read with confidence: how to answer
  opted_out,     // STOP / ARRET: the last SMS they get
  resubscribed,  // START
  help,          // AIDE / HELP / INFO
  present,       // PRÉSENT A7 at the door: their presence noted (checkin/)
};

struct ConfirmationFacts {
  ConfirmationKind kind = ConfirmationKind::rsvp;
  std::string language;      // "fr" | "en"; anything else reads as French
  std::string alert_code;    // "A7", for "reply NON A7 to change"; may be empty
  RsvpRecord record;         // for kind rsvp
  std::string pickup;        // describe_pickup() of the record's pickup point, or ""
  seats::SeatHolding seat;   // the bus seat given or the place on the waitlist, if any
  std::string checkin_code;  // kind rsvp, a yes: the member's short check-in code, or ""
};

std::string confirmation_text(const ConfirmationFacts& facts);

}  // namespace tocsin::replies
