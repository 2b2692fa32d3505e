#pragma once
// The SMS a member gets when their bus seat changes without their writing to us: a seat
// opened up and is theirs (promoted), or an unconfirmed seat went back to the waitlist
// (lapsed). In the member's language ("en", else French, which says "tu" as the union's
// messages do), with the alert's code so a NON A7 gives the seat up. Pure.

#include <string>

namespace tocsin::seats {

struct SeatNews {
  std::string kind;        // "promoted" | "lapsed"
  std::string language;    // "fr" | "en"
  std::string alert_code;  // "A7"; may be empty
  int bus = 0;             // promoted
  int rank = 0;            // lapsed: the place on the waitlist now
  std::string pickup;      // describe_pickup() of the pickup point, or ""
};

std::string seat_news_text(const SeatNews& news);

}  // namespace tocsin::seats
